"""Load benchmark of the federated stack: Gocart's router against two peers, Apollo's Node gateway and
the Guild's Hive Gateway, on the same subgraphs, supergraph and queries, in one go.

It starts the three real subgraphs (each its own process), a recording stub in front of each, our
router and the peers, on the machine's Node.js, pinned in bench/gateway/: Apollo's gateway
(`@apollo/gateway` + `@apollo/server`) and Hive Gateway (`@graphql-hive/gateway-runtime` with Hive
Router's Rust query planner, `@graphql-hive/router-runtime`). Then, for each query:
  1. through the stubs in record mode, it notes which subgraph requests our router makes (and lets the
     stubs record the peers' too);
  2. real subgraphs: requests per second, p50 and p99 through each router, and our router's ratio to
     each peer;
  3. each subgraph request our router makes, sent directly to its subgraph, and the subgraphs' own
     limit for the query: 1 / sum of 1/rps over those chained fetches;
  4. stubs replaying the recorded answers and doing nothing else, so each router's own cost shows;
  5. the floor of the catalogue page (bench/catalogue_page.py): the same page from one SQL query and
     orjson, in this process and served over HTTP, and the products subgraph's CPU per page (while
     answering the router's fetch directly) as a ratio to it;
  6. our router with its entity cache off and on (warm, in Redis), both verifying tokens (so private
     data is cached per caller), on the real subgraphs: the ratio, the cache's hit ratio over the
     measured window (from the router's /metrics), and the CPU a request costs summed over the stack
     (router, each subgraph, PostgreSQL, Redis); and the same router (cache off, tokens verified) on the
     stubs, with the same connections, so the warm cache's throughput is a ratio to a router whose
     subgraphs cost next to nothing. `--entity-cache-only` runs just this step.
The load generator is a closed loop (a fixed number of connections, each sending its next request when
the last is answered) after a warm-up, with a unique Authorization header on every request so nobody
can deduplicate (`--callers N` sends N tokens in turn instead, as N signed-in shoppers would: each
process then verifies each token once and remembers it). Each router's CPU per request is read from
/proc/PID/stat (user + system time of its process over the measured window, divided by the requests
answered). Neither the stubs nor our router write an access log line per request. Figures are
printed, never asserted.

`--stubs-only` runs just step 4 (the real subgraphs are started only to record the answers), `--query`
one of the queries (in step 6 too), `--rounds N` every measurement of step 4 N times, taking turns,
and prints the median. `--compare-with DIR` runs a second Gocart router from another checkout (e.g. a
`git worktree` of main) beside ours in the same run, on the same supergraph and settings, so before
and after is a ratio of one run.

    python bench/federation.py [--seconds 10] [--warmup 3] [--connections 16] [--entity-cache-only]
        [--stubs-only] [--query catalogue|orders] [--rounds 1] [--compare-with DIR] [--callers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import aiohttp
import orjson

from bench.catalogue_page import cpu_seconds_by_part, floor_cpu_ms, floor_process, process_tree_cpu_seconds
from gocart import demo
from gocart.cli import migrate, seed
from gocart.compose import SUPERGRAPH
from gocart.processes import ProcessSpec, Supervisor, base_url, python_module, subgraph_process
from gocart.servers import free_port
from gocart.settings import StackSettings
from gocart.stack import Ports, Stack
from subgraphs.common.auth import Role
from subgraphs.users.main import JWKS_PATH

ROOT = Path(__file__).resolve().parent.parent
GATEWAY_DIR = ROOT / "bench" / "gateway"
HOST = "127.0.0.1"
SUBGRAPHS = ("users", "products", "orders")

CATALOGUE = "catalogue page (1 subgraph)"
ORDERS = "orders with customers and products (3 subgraphs)"
QUERIES = {
    CATALOGUE: """
        query { products(first: 20, sort: PRICE_ASC) {
          edges { node { id name price currency stock { available } category { name } } } } }
    """,
    ORDERS: """
        query { orders(first: 5) { edges { node { number status total
          customer { firstName lastName } items { quantity product { name price } } } } } }
    """,
}
QUERY_NAMES = {"catalogue": CATALOGUE, "orders": ORDERS}
"""`--query`'s choices."""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
UNIQUE_TOKENS = 50_000
"""Tokens minted when every request is to carry its own (more than any run sends)."""


@dataclass(frozen=True)
class Result:
    rps: float
    p50: float
    p99: float
    cpu_ms: float | None = None
    """CPU (ms) the server's process spent per request, when measured."""

    def __str__(self) -> str:
        cpu = f"   CPU {self.cpu_ms:6.2f} ms/req" if self.cpu_ms is not None else ""
        return f"{self.rps:8.0f} req/s   p50 {self.p50:7.2f} ms   p99 {self.p99:7.2f} ms{cpu}"


def median_result(results: Sequence[Result]) -> Result:
    """The median of each figure over rounds."""
    cpus = [result.cpu_ms for result in results if result.cpu_ms is not None]
    return Result(
        statistics.median(result.rps for result in results),
        statistics.median(result.p50 for result in results),
        statistics.median(result.p99 for result in results),
        statistics.median(cpus) if cpus else None,
    )


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU the process has spent so far (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Tokens:
    """Pre-minted admin tokens, so every request carries its own Authorization header."""

    def __init__(self, stack: Stack, how_many: int) -> None:
        self._tokens = [stack.dev_token(Role.ADMIN, "bench-admin", hours=2) for _ in range(how_many)]
        self._next = count()

    def header(self) -> str:
        return f"Bearer {self._tokens[next(self._next) % len(self._tokens)]}"


async def closed_loop(url: str, body: bytes, tokens: Tokens, *, connections: int, seconds: float) -> Result:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                headers = {"content-type": "application/json", "authorization": tokens.header()}
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    payload = orjson.loads(await response.read())
                    if response.status != 200 or payload.get("errors"):
                        raise RuntimeError(f"{url}: {response.status} {payload}")
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(worker() for _ in range(connections)))
    quantiles = statistics.quantiles(latencies, n=100)
    return Result(len(latencies) / seconds, quantiles[49], quantiles[98])


def post(url: str, body: bytes = b"", authorization: str | None = None) -> bytes:
    headers = {
        "content-type": "application/json",
        **({"authorization": authorization} if authorization else {}),
    }
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (our own localhost services)
        answer: bytes = response.read()
    return answer


def supergraph_pointing_at(urls: dict[str, str], path: Path) -> Path:
    """The composed supergraph with each subgraph's URL replaced (both routers read the same file)."""
    sdl = SUPERGRAPH.read_text()
    for name, url in urls.items():
        sdl = re.sub(rf'(@join__graph\(name: "{name}", url: ")[^"]*(")', rf"\g<1>{url}\g<2>", sdl)
    path.write_text(sdl)
    return path


class PortPicker:
    """Free localhost ports, none handed out twice."""

    def __init__(self) -> None:
        self.taken: list[int] = []

    def next(self) -> int:
        self.taken.append(free_port(HOST, 4500 + 10 * len(self.taken), taken=self.taken))
        return self.taken[-1]


def start(specs: list[ProcessSpec]) -> Supervisor:
    supervisor = Supervisor(specs, cwd=ROOT)
    supervisor.start()
    try:
        supervisor.wait_until_ready()
    except RuntimeError:
        supervisor.stop()
        raise
    return supervisor


PEERS = {"apollo": "Apollo gateway", "hive": "Hive Gateway"}
"""The peers' names in the results, and as they are printed."""
COMPARED = "compared"
"""The name of the router from `--compare-with`'s checkout in the results."""


def router_env(supergraph: Path, port: int) -> dict[str, str]:
    return {
        "GOCART_ROUTER_SUPERGRAPH": str(supergraph),
        "GOCART_ROUTER_PORT": str(port),
        # The load comes from one address, far above a client's rate; the peers have no rate
        # limit either. The other protections stay on (bench/edge_defaults.py measures what they
        # cost). No access log line per request: the peers write none either.
        "GOCART_ROUTER_RATE_LIMIT__ENABLED": "false",
        "GOCART_ROUTER_ACCESS_LOG": "false",
    }


def compared_router(checkout: Path, supergraph: Path, port: int) -> ProcessSpec:
    """The router of another checkout: `-P` keeps the working directory (this checkout) off the
    module path, so `router` and everything it imports come from `checkout`."""
    return ProcessSpec(
        "router-compared",
        [sys.executable, "-P", "-m", "router"],
        {**router_env(supergraph, port), "PYTHONPATH": f"{checkout}{os.pathsep}{checkout / 'rest-compat'}"},
        f"http://{HOST}:{port}/health",
    )


def routers(
    supergraph: Path, ports: PortPicker, compare_with: Path | None = None
) -> tuple[Supervisor, dict[str, str]]:
    """Our router and the peers, all on `supergraph` (and the router of `compare_with`, when given)."""
    ours, apollo, hive = ports.next(), ports.next(), ports.next()
    node = shutil.which("node") or "node"
    compared = [] if compare_with is None else [compared_router(compare_with, supergraph, ports.next())]
    supervisor = start(
        [
            ProcessSpec(
                "router",
                python_module("router"),
                router_env(supergraph, ours),
                f"http://{HOST}:{ours}/health",
            ),
            *compared,
            ProcessSpec(
                "apollo-gateway",
                [node, str(GATEWAY_DIR / "gateway.mjs"), str(supergraph), str(apollo)],
                {},
                f"http://{HOST}:{apollo}/?query=%7B__typename%7D",
            ),
            ProcessSpec(
                "hive-gateway",
                [node, str(GATEWAY_DIR / "hive-gateway.mjs"), str(supergraph), str(hive)],
                {},
                f"http://{HOST}:{hive}/graphql?query=%7B__typename%7D",
            ),
        ]
    )
    urls = {
        "router": f"http://{HOST}:{ours}/graphql",
        "apollo": f"http://{HOST}:{apollo}/",
        "hive": f"http://{HOST}:{hive}/graphql",
    }
    if compared:
        urls[COMPARED] = compared[0].health_url.removesuffix("/health") + "/graphql"
    return supervisor, urls


def stack_pids(routers: Supervisor, services: Supervisor) -> dict[str, int]:
    """The cached routers' processes (`off`, `on`, `stubs`) and the subgraphs'."""
    return {
        "off": routers.process("router-cache-off").pid,
        "on": routers.process("router-cache-on").pid,
        "stubs": routers.process("router-on-stubs").pid,
        **{name: services.process(name).pid for name in SUBGRAPHS},
    }


SERVICE_OF = {
    "router": "router",
    "apollo": "apollo-gateway",
    "hive": "hive-gateway",
    COMPARED: "router-compared",
}
"""The supervisor's name of each router's process."""


def cached_routers(
    supergraph: Path, stubs: Path, ports: PortPicker, jwks_url: str, stack: Stack, on: int
) -> tuple[Supervisor, dict[str, str]]:
    """Our router three times, verifying tokens: on `supergraph` with the entity cache off, and on in
    Redis; and on `stubs` (the stub subgraphs), cache off, the same router with subgraphs that cost
    next to nothing, which a warm cache is measured against. The one with the cache listens on `on`, the port
    the subgraphs send their invalidations to, with the stack's invalidation secret, so what the demo
    orders change is invalidated as in production."""
    off, on_stubs = ports.next(), ports.next()
    secret = stack.invalidation_secret.get_secret_value()
    common = {
        "GOCART_ROUTER_SUPERGRAPH": str(supergraph),
        "GOCART_ROUTER_RATE_LIMIT__ENABLED": "false",
        "GOCART_ROUTER_ACCESS_LOG": "false",  # as in `router_env`: no line per request
        "GOCART_ROUTER_JWT_JWKS_URL": jwks_url,
        "GOCART_ROUTER_JWT_MAX_TOKEN_LIFETIME_SECONDS": str(3 * 3600),  # the bench's tokens live 2 h
        "GOCART_ROUTER_REDIS_URL": stack.redis_url,
        "GOCART_ROUTER_REDIS_NAMESPACE": f"gocart-bench-{uuid.uuid4().hex[:8]}",
    }
    supervisor = start(
        [
            ProcessSpec(
                "router-cache-off",
                python_module("router"),
                {**common, "GOCART_ROUTER_PORT": str(off), "GOCART_ROUTER_ENTITY_CACHE__ENABLED": "false"},
                f"http://{HOST}:{off}/health",
            ),
            ProcessSpec(
                "router-cache-on",
                python_module("router"),
                {
                    **common,
                    "GOCART_ROUTER_PORT": str(on),
                    "GOCART_ROUTER_ENTITY_CACHE__ENABLED": "true",
                    "GOCART_ROUTER_ENTITY_CACHE__INVALIDATION_SECRET": secret,
                },
                f"http://{HOST}:{on}/health",
            ),
            ProcessSpec(
                "router-on-stubs",
                python_module("router"),
                {
                    **common,
                    "GOCART_ROUTER_SUPERGRAPH": str(stubs),
                    "GOCART_ROUTER_PORT": str(on_stubs),
                    "GOCART_ROUTER_ENTITY_CACHE__ENABLED": "false",
                },
                f"http://{HOST}:{on_stubs}/health",
            ),
        ]
    )
    urls = {"off": off, "on": on, "stubs": on_stubs}
    return supervisor, {name: f"http://{HOST}:{port}/graphql" for name, port in urls.items()}


CACHE_LOOKUP = re.compile(
    r'^gocart_router_entity_cache_lookups_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$', re.M
)


def cache_lookups(graphql_url: str) -> dict[str, float]:
    """The router's entity cache lookups so far, by outcome (hit, miss, skipped)."""
    metrics_url = graphql_url.removesuffix("/graphql") + "/metrics"
    text = urllib.request.urlopen(metrics_url, timeout=10).read().decode()  # noqa: S310  (localhost)
    totals: dict[str, float] = {}
    for outcome, value in CACHE_LOOKUP.findall(text):
        totals[outcome] = totals.get(outcome, 0.0) + float(value)
    return totals


SERVER_PROGRAMS = {"PostgreSQL": "postgres", "Redis": "redis-server"}
"""The shared servers whose CPU a request also costs, by their processes' command names."""


@dataclass(frozen=True)
class CacheRun:
    """One query through our router with the entity cache off and on (warm), the hit ratio of the
    measured window, and the CPU (ms per request) each part of the stack spent, for each."""

    off: Result
    on: Result
    stubs: Result
    hit_ratio: float
    off_cpu: dict[str, float]
    on_cpu: dict[str, float]


def measure_entity_cache(
    run: Run, urls: dict[str, str], pids: dict[str, int], queries: Sequence[str]
) -> dict[str, CacheRun]:
    """Per query: the router with the cache off, on (warm: the warm-up fills it), on stub subgraphs
    (which replay what the real ones answered it), and the hit ratio of the measured window. `pids`
    holds the routers' (`off`, `on`, `stubs`) and the subgraphs' processes."""
    subgraphs = {name: pid for name, pid in pids.items() if name in SUBGRAPHS}
    results: dict[str, CacheRun] = {}
    for query in queries:
        body = body_of(QUERIES[query])
        stubs = run.measure_with_cpu(urls["stubs"], body, pids["stubs"])
        run.warm(urls["off"], body)
        off, off_cpu = run.measure_stack_cpu(urls["off"], body, {"router": pids["off"], **subgraphs})
        run.warm(urls["on"], body)
        before = cache_lookups(urls["on"])
        on, on_cpu = run.measure_stack_cpu(urls["on"], body, {"router": pids["on"], **subgraphs})
        after = cache_lookups(urls["on"])
        hits = after.get("hit", 0.0) - before.get("hit", 0.0)
        lookups = sum(after.values()) - sum(before.values())
        results[query] = CacheRun(off, on, stubs, hits / lookups if lookups else 0.0, off_cpu, on_cpu)
    return results


def cpu_line(cpu: dict[str, float]) -> str:
    parts = " + ".join(f"{part} {ms:.2f}" for part, ms in cpu.items())
    return f"CPU per request: {parts} = {sum(cpu.values()):.2f} ms"


def print_entity_cache(results: dict[str, CacheRun]) -> None:
    print("== entity cache: our router, tokens verified, real subgraphs, cache off vs on (warm)")
    for query, result in results.items():
        print(f"  {query}")
        print(f"    cache off   {result.off}")
        print(f"                {cpu_line(result.off_cpu)}")
        print(f"    cache on    {result.on}")
        print(f"                {cpu_line(result.on_cpu)}")
        print(
            f"    on / off = {result.on.rps / result.off.rps:.2f}x   "
            f"p50 off / on = {result.off.p50 / result.on.p50:.2f}x   hit ratio {result.hit_ratio:.1%}"
        )
        print(f"    on stubs    {result.stubs}   (the same router, stubs replaying the answers)")
        print(
            f"    cache on / on stubs = {result.on.rps / result.stubs.rps:.2f}x   router CPU per request "
            f"{result.on_cpu['router']:.2f} ms warm, {result.stubs.cpu_ms or 0.0:.2f} ms on stubs"
        )


def install_gateway() -> None:
    installed = GATEWAY_DIR / "node_modules"
    if all((installed / package).is_dir() for package in ("@apollo/gateway", "@graphql-hive/router-runtime")):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("The benchmark needs Node.js and npm for the peers (Apollo's gateway, Hive Gateway).")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=GATEWAY_DIR, check=True)


def authorization_line(callers: int) -> str:
    """How the load's requests are signed, for the figures' heading."""
    return f"{callers} tokens in turn" if callers else "a unique Authorization header per request"


def body_of(query: str) -> bytes:
    return orjson.dumps({"query": query})


class Run:
    def __init__(self, args: argparse.Namespace, stack: Stack, tokens: Tokens) -> None:
        self.args = args
        self.stack = stack
        self.tokens = tokens

    def load_line(self) -> str:
        rounds = f", median of {self.args.rounds} rounds" if self.args.rounds > 1 else ""
        return (
            f"closed loop, {self.args.connections} connections, {self.args.seconds:.0f} s after "
            f"{self.args.warmup:.0f} s warm-up{rounds}, {authorization_line(self.args.callers)}"
        )

    def warm(self, url: str, body: bytes) -> None:
        loop = self.args.connections
        asyncio.run(closed_loop(url, body, self.tokens, connections=loop, seconds=self.args.warmup))

    def measure(self, url: str, body: bytes, *, warmup: bool = True) -> Result:
        if warmup:
            self.warm(url, body)
        loop = self.args.connections
        return asyncio.run(closed_loop(url, body, self.tokens, connections=loop, seconds=self.args.seconds))

    def cpu_per_request(self, url: str, body: bytes, pid: int) -> tuple[Result, float]:
        """`measure`, and the CPU (ms) that process `pid` (and its children) spent per request."""
        loop = self.args.connections
        asyncio.run(closed_loop(url, body, self.tokens, connections=loop, seconds=self.args.warmup))
        before = process_tree_cpu_seconds(pid)
        result = asyncio.run(closed_loop(url, body, self.tokens, connections=loop, seconds=self.args.seconds))
        spent = process_tree_cpu_seconds(pid) - before
        return result, spent * 1000 / (result.rps * self.args.seconds)

    def measure_stack_cpu(
        self, url: str, body: bytes, trees: dict[str, int]
    ) -> tuple[Result, dict[str, float]]:
        """A measured window (no warm-up) and the CPU (ms per request) of each process tree in `trees`
        and of the shared servers (`SERVER_PROGRAMS`) over it; the load generator's own is left out."""
        loop = self.args.connections
        before = cpu_seconds_by_part(trees, SERVER_PROGRAMS)
        result = asyncio.run(closed_loop(url, body, self.tokens, connections=loop, seconds=self.args.seconds))
        after = cpu_seconds_by_part(trees, SERVER_PROGRAMS)
        answered = result.rps * self.args.seconds
        return result, {part: (after[part] - before[part]) * 1000 / answered for part in after}

    def measure_with_cpu(self, url: str, body: bytes, pid: int) -> Result:
        """`measure`, with the CPU process `pid` spent per request over the measured window."""
        self.warm(url, body)
        loop = self.args.connections
        before = process_cpu_seconds(pid)
        result = asyncio.run(closed_loop(url, body, self.tokens, connections=loop, seconds=self.args.seconds))
        spent = process_cpu_seconds(pid) - before
        return Result(result.rps, result.p50, result.p99, spent * 1000 / (result.rps * self.args.seconds))

    def routers_on_stubs(
        self, queries: Sequence[str], urls: dict[str, str], supervisor: Supervisor
    ) -> dict[str, dict[str, Result]]:
        """Per query, each router's median over `--rounds` rounds (the routers take turns in each)."""
        pids = {name: supervisor.process(SERVICE_OF[name]).pid for name in urls}
        rounds: dict[str, dict[str, list[Result]]] = {q: {name: [] for name in urls} for q in queries}
        for _ in range(self.args.rounds):
            for query in queries:
                for name, url in urls.items():
                    rounds[query][name].append(
                        self.measure_with_cpu(url, body_of(QUERIES[query]), pids[name])
                    )
        return {q: {name: median_result(results) for name, results in rounds[q].items()} for q in queries}


def record_fetches(
    stub_ports: dict[str, int], urls: dict[str, str], tokens: Tokens, queries: Sequence[str]
) -> dict[str, list[tuple[str, bytes]]]:
    """For each query, the subgraph requests our router makes; the stubs also record the others'."""
    fetches: dict[str, list[tuple[str, bytes]]] = {}
    for query in queries:
        for port in stub_ports.values():
            post(f"http://{HOST}:{port}/__mark")
        for _ in range(2):
            post(urls["router"], body_of(QUERIES[query]), tokens.header())
        fetches[query] = [
            (name, body.encode())
            for name, port in stub_ports.items()
            for body in orjson.loads(
                urllib.request.urlopen(f"http://{HOST}:{port}/__recent", timeout=10).read()
            )
        ]
        for other in urls.keys() - {"router"}:
            for _ in range(2):
                post(urls[other], body_of(QUERIES[query]), tokens.header())
    return fetches


def set_stub_mode(stub_ports: dict[str, int], mode: bytes) -> None:
    """Every stub to `record` (forward and keep) or `replay` (answer from what it kept)."""
    for port in stub_ports.values():
        post(f"http://{HOST}:{port}/__mode", mode)


def stubs_replaying(
    stub_ports: dict[str, int], router_url: str, tokens: Tokens, queries: Sequence[str]
) -> None:
    """The stubs record what `router_url` fetches for each query (twice: its plan's every fetch), then
    replay it."""
    set_stub_mode(stub_ports, b"record")
    for query in queries:
        for _ in range(2):
            post(router_url, body_of(QUERIES[query]), tokens.header())
    set_stub_mode(stub_ports, b"replay")


def print_peers(ours: Result, results: dict[str, Result]) -> None:
    if COMPARED in results:
        compared = results[COMPARED]
        print(f"                  {'compared router':<16} {compared}")
        cpu = (
            f"   CPU per request compared / router = {compared.cpu_ms / ours.cpu_ms:.2f}x"
            if compared.cpu_ms and ours.cpu_ms
            else ""
        )
        print(f"                  router / compared router = {ours.rps / compared.rps:.2f}x{cpu}")
    for peer, title in PEERS.items():
        print(f"                  {title:<16} {results[peer]}")
    ratios = "   ".join(
        f"router / {title} = {ours.rps / results[peer].rps:.2f}x" for peer, title in PEERS.items()
    )
    print(f"                  {ratios}")


def stub_specs_for(stub_ports: dict[str, int], real: dict[str, str]) -> list[ProcessSpec]:
    """A recording stub in front of each real subgraph."""
    return [
        ProcessSpec(
            f"stub-{name}",
            [
                sys.executable,
                str(ROOT / "bench" / "stub_subgraph.py"),
                "--port",
                str(port),
                "--upstream",
                real[name],
            ],
            {},
            f"http://{HOST}:{port}/health",
        )
        for name, port in stub_ports.items()
    ]


def stubs_only(
    run: Run,
    queries: Sequence[str],
    subgraph_specs: list[ProcessSpec],
    stub_ports: dict[str, int],
    real: dict[str, str],
    ports: PortPicker,
    workdir: Path,
) -> None:
    """Step 4 alone: every router on stubs replaying the real subgraphs' recorded answers."""
    stubs = {name: f"http://{HOST}:{port}/graphql" for name, port in stub_ports.items()}
    stub_supergraph = supergraph_pointing_at(stubs, workdir / "supergraph-stubs.graphql")
    services = start([*subgraph_specs, *stub_specs_for(stub_ports, real)])
    try:
        front, urls = routers(stub_supergraph, ports, run.args.compare_with)
        try:
            demo.place_demo_orders(
                urls["router"], password=run.stack.dev_password, admin=run.stack.admin_credentials
            )
            record_fetches(stub_ports, urls, run.tokens, queries)
            set_stub_mode(stub_ports, b"replay")
            results = run.routers_on_stubs(queries, urls, front)
        finally:
            front.stop()
    finally:
        services.stop()
    print(f"\nrouters on stub subgraphs: {run.load_line()}\n")
    for query in queries:
        print(f"== {query}")
        ours = results[query]["router"]
        print(f"  stub subgraphs  Gocart router    {ours}")
        print_peers(ours, results[query])
        print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--entity-cache-only", action="store_true", help="only step 6")
    parser.add_argument("--stubs-only", action="store_true", help="only step 4 (routers on stub subgraphs)")
    parser.add_argument("--query", choices=sorted(QUERY_NAMES), help="only this query (default: every one)")
    parser.add_argument(
        "--callers", type=int, default=0, help="send this many tokens in turn (default: one per request)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="rounds of step 4; the median is printed")
    parser.add_argument(
        "--compare-with", type=Path, metavar="DIR", help="also run the router of this checkout, side by side"
    )
    args = parser.parse_args(argv)
    if not args.entity_cache_only:
        install_gateway()
    queries = [QUERY_NAMES[args.query]] if args.query else list(QUERIES)

    stack = Stack(StackSettings(log_level="WARNING"))
    migrate(stack)
    asyncio.run(seed(stack))
    run = Run(args, stack, Tokens(stack, args.callers or UNIQUE_TOKENS))
    workdir = ROOT / ".gocart" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)

    ports = PortPicker()
    stack_ports = Ports(
        users=ports.next(), products=ports.next(), orders=ports.next(), router=ports.next(), rest=ports.next()
    )
    configs = {
        "users": stack.users_settings(stack_ports),
        "products": stack.products_settings(stack_ports),
        "orders": stack.orders_settings(stack_ports),
    }
    if args.stubs_only:
        # No router with an entity cache runs at the stack's router port here: without this, every
        # domain event's invalidation is retried against a closed port and dead-lettered, in the output.
        configs = {
            name: config.model_copy(update={"router_invalidation_url": None})
            for name, config in configs.items()
        }
    real = {name: f"{base_url(config)}/graphql" for name, config in configs.items()}
    stub_ports = {name: ports.next() for name in SUBGRAPHS}
    stubs = {name: f"http://{HOST}:{port}/graphql" for name, port in stub_ports.items()}
    subgraph_specs = [subgraph_process(name, config) for name, config in configs.items()]
    if args.stubs_only:
        stubs_only(run, queries, subgraph_specs, stub_ports, real, ports, workdir)
        return
    stub_specs = stub_specs_for(stub_ports, real)
    real_supergraph = supergraph_pointing_at(real, workdir / "supergraph-real.graphql")
    stub_supergraph = supergraph_pointing_at(stubs, workdir / "supergraph-stubs.graphql")

    floor_port = ports.next()
    floor_url = f"http://{HOST}:{floor_port}/graphql"
    jwks_url = f"{base_url(configs['users'])}{JWKS_PATH}"
    if args.entity_cache_only:
        services = start([*subgraph_specs, *stub_specs])
        try:
            front, urls = cached_routers(
                real_supergraph, stub_supergraph, ports, jwks_url, stack, stack_ports.router
            )
            try:
                demo.place_demo_orders(
                    urls["off"], password=stack.dev_password, admin=stack.admin_credentials
                )
                stubs_replaying(stub_ports, urls["stubs"], run.tokens, queries)
                cache_results = measure_entity_cache(run, urls, stack_pids(front, services), queries)
            finally:
                front.stop()
        finally:
            services.stop()
        warmup = f"{args.seconds:.0f} s after {args.warmup:.0f} s warm-up"
        signed = authorization_line(args.callers)
        print(f"\nclosed loop, {args.connections} connections, {warmup}, {signed}\n")
        print_entity_cache(cache_results)
        return
    services = start([*subgraph_specs, *stub_specs, floor_process(floor_port, stack.database_url)])
    try:
        front, urls = cached_routers(
            real_supergraph, stub_supergraph, ports, jwks_url, stack, stack_ports.router
        )
        try:
            stubs_replaying(stub_ports, urls["stubs"], run.tokens, queries)
            cache_results = measure_entity_cache(run, urls, stack_pids(front, services), queries)
        finally:
            front.stop()
        set_stub_mode(stub_ports, b"record")  # recording again, for the routers compared below
        front, urls = routers(real_supergraph, ports, args.compare_with)
        try:
            demo.place_demo_orders(urls["router"], password=stack.dev_password, admin=stack.admin_credentials)
            real_results = {
                q: {name: run.measure(url, body_of(QUERIES[q])) for name, url in urls.items()}
                for q in QUERIES
            }
        finally:
            front.stop()

        front, urls = routers(stub_supergraph, ports, args.compare_with)
        try:
            fetches = record_fetches(stub_ports, urls, run.tokens, list(QUERIES))
            set_stub_mode(stub_ports, b"replay")
            stub_results = run.routers_on_stubs(list(QUERIES), urls, front)
        finally:
            front.stop()
        direct = {q: [(name, run.measure(real[name], body)) for name, body in fetches[q]] for q in QUERIES}
        catalogue_fetch = next(body for name, body in fetches[CATALOGUE] if name == "products")
        products_pid = services.process("products").pid
        subgraph_page = run.cpu_per_request(real["products"], catalogue_fetch, products_pid)
        floor_page = run.cpu_per_request(floor_url, catalogue_fetch, services.process("floor").pid)
    finally:
        services.stop()
    floor_in_process_ms, _ = floor_cpu_ms(stack.database_url)

    load = (
        f"closed loop, {args.connections} connections, {args.seconds:.0f} s after {args.warmup:.0f} s warm-up"
    )
    print(f"\nGocart router vs its peers: {load}, {authorization_line(args.callers)}\n")
    for query in QUERIES:
        print(f"== {query}")
        ours = real_results[query]["router"]
        print(f"  real subgraphs  Gocart router    {ours}")
        print_peers(ours, real_results[query])
        for name, result in direct[query]:
            print(f"  direct fetch    {name:<16} {result}")
        limit = 1 / sum(1 / result.rps for _, result in direct[query])
        print(
            f"                  subgraphs' limit {limit:8.0f} req/s; router / limit = {ours.rps / limit:.2f}x"
        )
        ours = stub_results[query]["router"]
        print(f"  stub subgraphs  Gocart router    {ours}")
        print_peers(ours, stub_results[query])
        print()
    (subgraph_result, subgraph_ms), (floor_result, floor_ms) = subgraph_page, floor_page
    print(f"== {CATALOGUE}: CPU per page against the floor (the same page from one SQL query and orjson)")
    print(f"  floor, in process                      {floor_in_process_ms:6.2f} ms")
    print(f"  floor, over HTTP                       {floor_ms:6.2f} ms   {floor_result}")
    print(f"  products subgraph (the router's fetch) {subgraph_ms:6.2f} ms   {subgraph_result}")
    print(
        f"  products subgraph / floor over HTTP = {subgraph_ms / floor_ms:.1f}x"
        f"   / floor in process = {subgraph_ms / floor_in_process_ms:.1f}x"
    )
    print()
    print_entity_cache(cache_results)


if __name__ == "__main__":
    main()
