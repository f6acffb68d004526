"""End-to-end throughput: the router process over HTTP in front of the shop test subgraphs.

Every subgraph and the router run in their own process (as in production), so the figures show the
router's cost rather than contention for one interpreter. Run:
`python bench/router_http.py [requests] [concurrency]`. Prints figures; nothing is asserted.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.shop_processes import start_shop_subgraphs, wait_until_up  # noqa: E402
from testbed.ports import unused_port  # noqa: E402
from testbed.shop_supergraph import SHOP  # noqa: E402

QUERY = "{ topProducts { name inStock shippingEstimate reviews { body author { username name } } } }"


async def _load(url: str, requests: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    remaining = iter(range(requests))
    async with aiohttp.ClientSession() as session:

        async def worker() -> None:
            for _ in remaining:
                start = time.perf_counter()
                async with session.post(url, json={"query": QUERY}) as response:
                    body = await response.json()
                    if "errors" in body:
                        raise RuntimeError(f"The benchmark query failed: {body}")
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    ports = {name: unused_port() for name in ("accounts", "products", "inventory", "reviews")}
    subgraphs = start_shop_subgraphs(ports)
    router_port = unused_port()
    with tempfile.TemporaryDirectory() as directory:
        supergraph = Path(directory) / "supergraph.graphql"
        supergraph.write_text(SHOP, encoding="utf-8")
        urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
        environment = {
            **os.environ,
            "GOCART_ROUTER_SUBGRAPH_URLS": json.dumps(urls),
            "PYTHONPATH": str(ROOT),
            "GOCART_ROUTER_RATE_LIMIT__ENABLED": "false",  # one address sends all the load
        }
        command = [
            sys.executable,
            "-m",
            "router",
            "--supergraph",
            str(supergraph),
            "--port",
            str(router_port),
        ]
        router = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            for url in (*urls.values(), f"http://127.0.0.1:{router_port}/health"):
                asyncio.run(wait_until_up(url))
            endpoint = f"http://127.0.0.1:{router_port}/graphql"
            asyncio.run(_load(endpoint, 50, 5))
            start = time.perf_counter()
            latencies = sorted(asyncio.run(_load(endpoint, requests, concurrency)))
            elapsed = time.perf_counter() - start
        finally:
            router.terminate()
            router.wait(timeout=10)
            for process in subgraphs:
                process.terminate()
    print(f"{requests} requests, concurrency {concurrency}: {requests / elapsed:,.0f} req/s")
    print(
        f"latency ms: p50 {statistics.median(latencies) * 1e3:.1f}  "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1e3:.1f}  max {latencies[-1] * 1e3:.1f}"
    )


if __name__ == "__main__":
    main()
