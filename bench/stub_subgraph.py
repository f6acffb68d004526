"""A stub subgraph for the federation benchmark: it first records, then replays.

In `record` mode it forwards every request to the real subgraph and keeps the answer, keyed by the
request body; in `replay` mode it answers from what it recorded, doing nothing else, so a router in
front of it shows its own cost. `POST /__mode` with `record` or `replay` switches modes;
`POST /__mark` starts a new list of recent requests and `GET /__recent` returns it (the distinct bodies
recorded since), so a benchmark knows which fetches one query caused.

    python bench/stub_subgraph.py --port 4101 --upstream http://127.0.0.1:4001/graphql
"""

from __future__ import annotations

import argparse

import aiohttp
import orjson
from aiohttp import web


def build_app(upstream: str) -> web.Application:
    recorded: dict[bytes, bytes] = {}
    recent: dict[bytes, None] = {}
    state = {"mode": "record"}
    app = web.Application()

    async def graphql(request: web.Request) -> web.Response:
        body = await request.read()
        if state["mode"] == "replay":
            answer = recorded.get(body)
            if answer is None:
                return web.Response(status=500, text="not recorded")
            return web.Response(body=answer, content_type="application/json")
        headers = {k: v for k, v in request.headers.items() if k.lower() in {"authorization", "content-type"}}
        async with app["client"].post(upstream, data=body, headers=headers) as response:
            answer = await response.read()
        recorded[body] = answer
        recent[body] = None
        return web.Response(body=answer, status=response.status, content_type="application/json")

    async def switch(request: web.Request) -> web.Response:
        state["mode"] = (await request.text()).strip()
        return web.Response(text=state["mode"])

    async def mark(_: web.Request) -> web.Response:
        recent.clear()
        return web.Response(text="marked")

    async def listing(_: web.Request) -> web.Response:
        return web.Response(
            body=orjson.dumps([body.decode() for body in recent]), content_type="application/json"
        )

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def client(app: web.Application):  # type: ignore[no-untyped-def]
        app["client"] = aiohttp.ClientSession()
        yield
        await app["client"].close()

    app.cleanup_ctx.append(client)
    app.router.add_post("/graphql", graphql)
    app.router.add_post("/__mode", switch)
    app.router.add_post("/__mark", mark)
    app.router.add_get("/__recent", listing)
    app.router.add_get("/health", health)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    web.run_app(build_app(args.upstream), host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
