"""A webhook receiver over real HTTP, as a customer of Gocart would run one: it verifies each delivery
with the Standard Webhooks library and records it; per path it can fail the first attempts or hold its
answer until the test lets it go."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(frozen=True)
class Received:
    path: str
    headers: Mapping[str, str]
    body: bytes
    verified: bool
    payload: Any


@dataclass
class Behaviour:
    """How one path answers: 500 for the first `failures` deliveries, and only once `release` is set."""

    secret: str
    failures: int = 0
    release: asyncio.Event | None = None
    answered: int = 0


@dataclass
class Receiver:
    base_url: str = ""
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path}"

    def expect(
        self, path: str, secret: str, *, failures: int = 0, release: asyncio.Event | None = None
    ) -> None:
        self.behaviours[path] = Behaviour(secret=secret, failures=failures, release=release)

    def at(self, path: str, where: Callable[[Received], bool] = lambda _: True) -> list[Received]:
        return [delivery for delivery in self.received if delivery.path == path and where(delivery)]

    async def wait_for(
        self,
        path: str,
        count: int,
        *,
        where: Callable[[Received], bool] = lambda _: True,
        timeout_seconds: float = 20.0,
    ) -> list[Received]:
        """The deliveries that reached `path` (those `where` accepts) once there are `count` (bounded)."""
        async with asyncio.timeout(timeout_seconds):
            while len(self.at(path, where)) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.at(path, where)

    async def handle(self, request: Request) -> Response:
        path = request.path_params["path"]
        body = await request.body()
        behaviour = self.behaviours[path]
        try:
            payload = Webhook(behaviour.secret).verify(body, dict(request.headers))
            verified = True
        except WebhookVerificationError:
            payload, verified = None, False
        self.received.append(Received(path, dict(request.headers), body, verified, payload))
        self.arrived.set()
        if behaviour.release is not None:
            await behaviour.release.wait()
        behaviour.answered += 1
        if not verified:
            return Response("bad signature", status_code=401)
        if behaviour.answered <= behaviour.failures:
            return Response("not now", status_code=500)
        return Response(status_code=204)

    def release_all(self) -> None:
        """Let every held answer go (before the server stops)."""
        for behaviour in self.behaviours.values():
            if behaviour.release is not None:
                behaviour.release.set()

    def app(self) -> FastAPI:
        app = FastAPI()
        app.router.routes.append(Route("/{path}", self.handle, methods=["POST"]))
        return app
