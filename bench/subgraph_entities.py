"""Requests per second of a subgraph answering a repeated `_entities` fetch (what a router sends).

Starts the products subgraph in its own process (on GOCART_DATABASE_URL / GOCART_REDIS_URL, or the
embedded servers), seeds the demo data, then drives it from this process with a closed loop: a fixed
number of connections, each sending the next request when the last one answered, after a warm-up.
It runs twice, with Strawberry's parsed/validated document caches on and off, and prints both.

    python bench/subgraph_entities.py [--seconds 10] [--connections 8] [--entities 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp

from gocart.cli import migrate, seed
from gocart.servers import free_port
from gocart.settings import StackSettings
from gocart.stack import Stack
from subgraphs.products.seed import PRODUCTS, product_id

ROOT = Path(__file__).resolve().parent.parent
QUERY = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id sku name price currency stock { available inStock } }
  }
}
"""


@contextmanager
def products_subgraph(stack: Stack, *, port: int, document_cache_size: int) -> Iterator[str]:
    env = {
        **os.environ,
        "GOCART_PRODUCTS_DATABASE_URL": stack.database_url,
        "GOCART_PRODUCTS_REDIS_URL": stack.redis_url,
        "GOCART_PRODUCTS_JWT_JWKS": stack.signing_key.jwks(),
        "GOCART_PRODUCTS_MIGRATE_ON_STARTUP": "false",
        "GOCART_PRODUCTS_LOG_LEVEL": "WARNING",
        "GOCART_PRODUCTS_GRAPHQL_DOCUMENT_CACHE_SIZE": str(document_cache_size),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gocart.cli", "serve", "products", "--port", str(port)], cwd=ROOT, env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/ready", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        yield f"{url}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=30)


async def closed_loop(url: str, body: dict[str, object], *, connections: int, seconds: float) -> list[float]:
    """Latencies (ms) of every request answered in `seconds`, `connections` requests in flight."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.post(url, json=body) as response:
                    payload = await response.json()
                    if response.status != 200 or payload.get("errors"):
                        raise RuntimeError(f"bad response: {response.status} {payload}")
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies


def report(name: str, latencies: list[float], seconds: float) -> float:
    rps = len(latencies) / seconds
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"{name:<28} {rps:>9.0f} req/s   p50 {quantiles[49]:6.2f} ms   p99 {quantiles[98]:6.2f} ms")
    return rps


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--entities", type=int, default=10)
    args = parser.parse_args()

    stack = Stack(StackSettings())
    migrate(stack)
    asyncio.run(seed(stack))
    ids = [str(product_id(sku)) for sku, *_ in PRODUCTS[: args.entities]]
    body: dict[str, object] = {
        "query": QUERY,
        "variables": {"representations": [{"__typename": "Product", "id": i} for i in ids]},
    }

    print(
        f"products subgraph: _entities with {len(ids)} representations, "
        f"{args.connections} connections, {args.seconds:.0f} s"
    )
    results = {}
    for label, cache_size in (("document cache on", 1024), ("document cache off", 0)):
        with products_subgraph(
            stack, port=free_port("127.0.0.1", 4101), document_cache_size=cache_size
        ) as url:
            asyncio.run(closed_loop(url, body, connections=args.connections, seconds=args.warmup))
            latencies = asyncio.run(
                closed_loop(url, body, connections=args.connections, seconds=args.seconds)
            )
            results[label] = report(label, latencies, args.seconds)
    print(f"document cache speed-up: {results['document cache on'] / results['document cache off']:.2f}x")


if __name__ == "__main__":
    main()
