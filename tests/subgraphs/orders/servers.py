"""Proxies in front of the products subgraph, for the orders tests' outage and burst scenarios."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response


class SlowProxy:
    """Forwards every request to products, but answers `reserveStock` only after `delay` seconds:
    products does the reservation, the caller times out before it hears so."""

    def __init__(self, target: str, *, delay: float) -> None:
        self.target = target
        self.delay = delay
        self.reservations_forwarded = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        request = Request(scope, receive)
        body = await request.body()
        async with httpx.AsyncClient() as client:
            upstream = await client.post(
                self.target,
                content=body,
                headers={
                    k: v for k, v in request.headers.items() if k.lower() in {"authorization", "content-type"}
                },
            )
        if b"reserveStock" in body:
            self.reservations_forwarded += 1
            await asyncio.sleep(self.delay)
        response = Response(upstream.content, status_code=upstream.status_code, media_type="application/json")
        await response(scope, receive, send)


OPERATIONS = ("_entities", "reserveStock", "commitStock", "releaseStock", "returnStock")


class WatchingProxy:
    """Forwards every request to products and watches the traffic: how many calls of each operation,
    and the most it had in flight at once. Each call is held `delay` seconds before it is forwarded (so
    calls overlap); with `hold_first_reservation`, the first `reserveStock` is held until `let_go()`,
    and only then forwarded (a late attempt), its answer kept in `late_answers`."""

    def __init__(self, target: str, *, delay: float = 0.0, hold_first_reservation: bool = False) -> None:
        self.target = target
        self.delay = delay
        self.calls: dict[str, int] = dict.fromkeys(OPERATIONS, 0)
        self.in_flight = 0
        self.most_in_flight = 0
        self.late_answers: list[dict[str, Any]] = []
        self._hold_first = hold_first_reservation
        self._gate = threading.Event()

    def let_go(self) -> None:
        self._gate.set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _serve_lifespan(receive, send)
            return
        request = Request(scope, receive)
        body = await request.body()
        operation = next((name for name in OPERATIONS if name.encode() in body), "other")
        self.calls[operation] = self.calls.get(operation, 0) + 1
        held = operation == "reserveStock" and self._hold_first and self.calls[operation] == 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if held:
                await asyncio.to_thread(self._gate.wait)  # set from the test's thread
            async with httpx.AsyncClient() as client:
                upstream = await client.post(
                    self.target,
                    content=body,
                    headers={
                        k: v
                        for k, v in request.headers.items()
                        if k.lower() in {"authorization", "content-type"}
                    },
                )
        finally:
            self.in_flight -= 1
        if held:
            self.late_answers.append(upstream.json())
        response = Response(upstream.content, status_code=upstream.status_code, media_type="application/json")
        await response(scope, receive, send)


async def _serve_lifespan(receive: Any, send: Any) -> None:
    message = await receive()
    while message["type"] != "lifespan.shutdown":
        await send({"type": message["type"] + ".complete"})
        message = await receive()
    await send({"type": "lifespan.shutdown.complete"})
