"""A slow proxy in front of the products subgraph, for the orders tests' outage scenarios."""

from __future__ import annotations

import asyncio
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
