"""What the router's safe defaults cost: throughput with every edge protection on (as `gocart dev` and
docker-compose start it: limits, demand control, rate limiting in Redis, CSRF, APQ, breakers, retries,
batch splitting, hot reload)
against the same router with all of them off, in one run; and the router CPU spent refusing a
1000-alias bomb.

The routers sit in front of stub subgraphs (bench/stub_subgraph.py) that first record the shop test
subgraphs' answers during the warm-up, then replay them doing nothing else, so the figures are the
routers' own cost. Each subgraph, stub and router runs in its own process. The two routers are loaded in
turns (on, off, on, off...) so drift on the machine hits both alike; the rate limits of the "on" router
are raised so that every request is checked against Redis but none is refused. Prints figures; nothing
is asserted.

    python bench/edge_defaults.py [--requests 3000] [--concurrency 20] [--rounds 3] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.shop_processes import start_shop_subgraphs, wait_until_up  # noqa: E402
from gocart.processes import router_process, settings_env  # noqa: E402
from router.config import (  # noqa: E402
    BreakerSettings,
    CsrfSettings,
    DemandControlSettings,
    EntityCacheSettings,
    HotReloadSettings,
    LimitsSettings,
    PersistedQueriesSettings,
    RateLimitSettings,
    RetrySettings,
    RouterSettings,
    TrafficSettings,
    TrafficShaping,
)
from router.executor import SubgraphResponse  # noqa: E402
from router.gateway import Gateway  # noqa: E402
from router.supergraph import parse_supergraph  # noqa: E402
from testbed.ports import unused_port  # noqa: E402
from testbed.shop_supergraph import SHOP  # noqa: E402

QUERY = "{ topProducts { name inStock shippingEstimate reviews { body author { username name } } } }"
UNBOUNDED = 10**9


def protected(base: RouterSettings, redis_url: str) -> RouterSettings:
    """The defaults, with Redis, and rate limits too high to refuse anything (but still checked). The
    entity cache is off: it is no protection, and `bench/federation.py` measures it on its own."""
    rate = RateLimitSettings(
        per_address_burst=UNBOUNDED,
        per_address_per_second=UNBOUNDED,
        per_subject_burst=UNBOUNDED,
        per_subject_per_second=UNBOUNDED,
    )
    return base.model_copy(
        update={
            "redis_url": redis_url,
            "rate_limit": rate,
            "entity_cache": EntityCacheSettings(enabled=False),
        }
    )


def unprotected(base: RouterSettings) -> RouterSettings:
    limits = LimitsSettings(
        max_request_bytes=UNBOUNDED,
        max_operation_characters=UNBOUNDED,
        max_tokens=UNBOUNDED,
        max_depth=None,
        max_aliases=None,
        max_root_fields=None,
    )
    return base.model_copy(
        update={
            "limits": limits,
            "demand_control": DemandControlSettings(enabled=False),
            "rate_limit": RateLimitSettings(enabled=False),
            "csrf": CsrfSettings(enabled=False),
            "persisted_queries": PersistedQueriesSettings(apq_enabled=False),
            "traffic_shaping": TrafficShaping(
                all=TrafficSettings(
                    max_representations=UNBOUNDED,
                    breaker=BreakerSettings(enabled=False),
                    retry=RetrySettings(attempts=0),
                )
            ),
            "hot_reload": HotReloadSettings(enabled=False),
        }
    )


async def _load(url: str, requests: int, concurrency: int) -> float:
    """Requests per second of a closed loop of `concurrency` connections."""
    remaining = iter(range(requests))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for _ in remaining:
                async with session.post(url, json={"query": QUERY}) as response:
                    body = await response.json()
                    if response.status != 200 or "errors" in body:
                        raise RuntimeError(f"unexpected answer {response.status}: {body}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return requests / (time.perf_counter() - start)


def alias_bomb_refusal_microseconds(rounds: int = 200) -> float:
    """Router CPU to refuse `{ a0: products(first: 100) {...} ... a999: ... }`, never cached."""
    supergraph = parse_supergraph((ROOT / "schema" / "supergraph.graphql").read_text(encoding="utf-8"))
    from router.server.app import operation_limits

    gateway = Gateway(
        supergraph,
        _NoFetcher(),
        dict.fromkeys(supergraph.graphs, "http://unused"),
        1,
        operation_limits(RouterSettings()),
    )
    fields = " ".join(
        f"a{index}: products(first: 100) {{ edges {{ node {{ id name }} }} }}" for index in range(1000)
    )
    start = time.process_time()
    for round_number in range(rounds):
        try:
            gateway.prepare(f"query Bomb{round_number} {{ {fields} }}", None)
        except Exception:  # noqa: S112  (the refusal is what is measured)
            continue
        raise RuntimeError("the alias bomb was not refused")
    return (time.process_time() - start) / rounds * 1e6


class _NoFetcher:
    async def fetch(self, *_args: object, **_kwargs: object) -> SubgraphResponse:
        raise RuntimeError("a refused operation must not fetch")

    def max_representations(self, service: str) -> int | None:  # noqa: ARG002
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    ports = {name: unused_port() for name in ("accounts", "products", "inventory", "reviews")}
    subgraphs = start_shop_subgraphs(ports)
    upstreams = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
    stub_ports = {name: unused_port() for name in ports}
    stubs = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "stub_subgraph.py"),
                "--port",
                str(port),
                "--upstream",
                upstreams[name],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, port in stub_ports.items()
    ]
    routers: dict[str, subprocess.Popen[bytes]] = {}
    with tempfile.TemporaryDirectory() as directory:
        supergraph = Path(directory) / "supergraph.graphql"
        supergraph.write_text(SHOP, encoding="utf-8")
        urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in stub_ports.items()}
        base = RouterSettings(supergraph=supergraph, subgraph_urls=urls)
        variants = {
            "defaults on": protected(base.model_copy(update={"port": unused_port()}), args.redis_url),
            "all off": unprotected(base.model_copy(update={"port": unused_port()})),
        }
        try:
            for label, settings in variants.items():
                spec = router_process(settings)
                environment = {**settings_env(settings), "PYTHONPATH": str(ROOT)}
                routers[label] = subprocess.Popen(
                    spec.argv, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            health = [f"http://127.0.0.1:{s.port}/health" for s in variants.values()]
            for url in (*upstreams.values(), *urls.values(), *health):
                asyncio.run(wait_until_up(url))
            figures: dict[str, list[float]] = {label: [] for label in variants}
            for settings in variants.values():  # warm-up, while the stubs record
                asyncio.run(_load(f"http://127.0.0.1:{settings.port}/graphql", 200, args.concurrency))
            for port in stub_ports.values():
                urllib.request.urlopen(
                    urllib.request.Request(f"http://127.0.0.1:{port}/__mode", data=b"replay"), timeout=5
                ).close()
            for _ in range(args.rounds):
                for label, settings in variants.items():
                    endpoint = f"http://127.0.0.1:{settings.port}/graphql"
                    figures[label].append(asyncio.run(_load(endpoint, args.requests, args.concurrency)))
        finally:
            for router in routers.values():
                router.terminate()
                router.wait(timeout=10)
            for stub in stubs:
                stub.terminate()
            for process in subgraphs:
                process.terminate()
    on, off = (statistics.median(figures[label]) for label in variants)
    print(f"{args.rounds} rounds of {args.requests} requests, concurrency {args.concurrency}, medians:")
    for label in variants:
        print(f"  {label:<12} {statistics.median(figures[label]):8,.0f} req/s   {figures[label]}")
    print(f"  defaults on / all off: {on / off:.3f} ({(1 - on / off) * 100:+.1f}% cost)")
    pairs = [first / second for first, second in zip(*figures.values(), strict=True)]
    rounds = ", ".join(f"{ratio:.3f}" for ratio in pairs)
    print(f"  round by round: {rounds} (median {statistics.median(pairs):.3f})")
    print(f"1000-alias bomb refused in {alias_bomb_refusal_microseconds():,.0f} µs of router CPU, no fetch")


if __name__ == "__main__":
    main()
