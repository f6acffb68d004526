"""The floor of the catalogue page over HTTP: one asyncpg query, the page built from its rows, orjson.

A bare ASGI app (no framework, no GraphQL, no auth) on the same server the subgraphs run on (uvicorn,
uvloop, httptools, no access log), so the products subgraph's CPU per page can be read as a ratio to
the least that serving the same page over HTTP in Python costs. Used by bench/catalogue_page.py and
bench/federation.py.

    python bench/floor_server.py --port 4190 --database-url postgresql://...
"""

from __future__ import annotations

import argparse
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.types import Receive, Scope, Send

PAGE_SIZE = 20
FLOOR_SQL = """
    SELECT p.id, p.name, p.price, p.currency, p.stock_on_hand - p.stock_reserved AS available,
           c.name AS category
    FROM products.products p LEFT JOIN products.categories c ON c.id = p.category_id
    WHERE p.deleted_at IS NULL AND p.active
    ORDER BY p.price, p.id
    LIMIT $1
"""


def floor_page(rows: list[Any]) -> bytes:
    """The catalogue page's response, built from the floor query's rows."""
    edges = [
        {
            "node": {
                "id": str(row["id"]),
                "name": row["name"],
                "price": str(row["price"]),
                "currency": row["currency"],
                "stock": {"available": row["available"]},
                "category": {"name": row["category"]} if row["category"] is not None else None,
            }
        }
        for row in rows
    ]
    return orjson.dumps({"data": {"products": {"edges": edges}}})


def plain_database_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


class FloorApp:
    """POST (any path): the catalogue page; GET: 200 (health)."""

    def __init__(self, database_url: str) -> None:
        self._database_url = plain_database_url(database_url)
        self._pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        answer = b"ok"
        if scope["method"] == "POST":
            orjson.loads(body)  # a real server reads its request
            if self._pool is None:
                raise RuntimeError("The floor server answers queries only after its lifespan startup.")
            answer = floor_page(await self._pool.fetch(FLOOR_SQL, PAGE_SIZE))
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._pool = await asyncpg.create_pool(self._database_url, min_size=1, max_size=10)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._pool is not None:
                    await self._pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    uvicorn.run(
        FloorApp(args.database_url),
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="on",
    )


if __name__ == "__main__":
    main()
