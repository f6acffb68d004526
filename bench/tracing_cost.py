"""What tracing costs the router: the same load through three router processes in front of the shop
test subgraphs, one with tracing off, one sampling 10% of requests, one sampling all of them, the two
traced ones exporting over OTLP/HTTP to a sink in this process that reads and discards each export.

The three routers run side by side and take the load in turns, round after round, so each figure is a
ratio to "off" measured in the same run on the same machine. Run:
`python bench/tracing_cost.py [requests per round] [rounds] [concurrency]`. Prints figures; nothing is
asserted.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.shop_processes import start_shop_subgraphs, wait_until_up  # noqa: E402
from testbed.ports import unused_port  # noqa: E402
from testbed.shop_supergraph import SHOP  # noqa: E402

QUERY = "{ topProducts { name inStock shippingEstimate reviews { body author { username name } } } }"
MODES = {"off": None, "10%": 0.1, "100%": 1.0}


class _Discard(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        return None


@contextmanager
def otlp_sink() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Discard)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
    finally:
        server.shutdown()


def start_router(
    supergraph: Path, urls: dict[str, str], port: int, ratio: float | None, sink: str
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "GOCART_ROUTER_SUBGRAPH_URLS": json.dumps(urls),
        "PYTHONPATH": str(ROOT),
        "GOCART_ROUTER_RATE_LIMIT__ENABLED": "false",  # one address sends all the load
    }
    if ratio is not None:
        environment["GOCART_ROUTER_TRACING__OTLP_ENDPOINT"] = sink
        environment["GOCART_ROUTER_TRACING__SAMPLE_RATIO"] = str(ratio)
    command = [sys.executable, "-m", "router", "--supergraph", str(supergraph), "--port", str(port)]
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def throughput(url: str, requests: int, concurrency: int) -> float:
    """Requests per second for `requests` queries sent by `concurrency` clients."""
    remaining = iter(range(requests))
    async with aiohttp.ClientSession() as session:

        async def worker() -> None:
            for _ in remaining:
                async with session.post(url, json={"query": QUERY}) as response:
                    body = await response.json()
                    if "errors" in body:
                        raise RuntimeError(f"The benchmark query failed: {body}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - start)


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    ports = {name: unused_port() for name in ("accounts", "products", "inventory", "reviews")}
    subgraphs = start_shop_subgraphs(ports)
    urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
    figures: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as directory, otlp_sink() as sink:
        supergraph = Path(directory) / "supergraph.graphql"
        supergraph.write_text(SHOP, encoding="utf-8")
        router_ports = {mode: unused_port() for mode in MODES}
        routers = [start_router(supergraph, urls, router_ports[m], MODES[m], sink) for m in MODES]
        try:
            for url in (*urls.values(), *(f"http://127.0.0.1:{p}/health" for p in router_ports.values())):
                asyncio.run(wait_until_up(url, attempts=2400))  # six processes start at once
            endpoints = {mode: f"http://127.0.0.1:{port}/graphql" for mode, port in router_ports.items()}
            for endpoint in endpoints.values():
                asyncio.run(throughput(endpoint, 100, 5))  # warm: connections, plan cache
            for _ in range(rounds):
                for mode, endpoint in endpoints.items():
                    figures[mode].append(asyncio.run(throughput(endpoint, requests, concurrency)))
        finally:
            for router in routers:
                router.terminate()
                router.wait(timeout=10)
            for process in subgraphs:
                process.terminate()
    off = statistics.median(figures["off"])
    print(f"{rounds} rounds of {requests} requests, concurrency {concurrency} (median of the rounds)")
    for mode, values in figures.items():
        median = statistics.median(values)
        spread = (max(values) - min(values)) / median
        ratio = median / off
        print(f"tracing {mode:<5} {median:>8,.0f} req/s   {ratio:.2f} x off   (rounds spread {spread:.0%})")


if __name__ == "__main__":
    main()
