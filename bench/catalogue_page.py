"""CPU per catalogue page: the products subgraph against the floor, the same page straight from SQL.

The floor is what the page costs at the least in Python: one asyncpg query for the 20 products with
their category names, the response built from the rows as plain dicts and serialized with orjson. It
is measured twice: in this process (no HTTP, no GraphQL), and served over HTTP by
bench/floor_server.py on the server the subgraphs run on (the floor a subgraph is held to). The
products subgraph runs in its own process and answers the same page over HTTP under a closed loop;
CPU (user + system, of all a server's processes) per answered request is read from /proc. The answers
are compared, so the floor surely builds the same page. Figures are printed as ratios of one run,
never asserted; `bench/federation.py` prints the same ratio.

`--compare-with DIR` serves a second products subgraph from another checkout (e.g. a `git worktree` of
main) beside ours, on the same database and settings, and `--rounds N` measures the two N times each,
taking turns, and prints the median CPU per page of each and their ratio: before and after as a ratio
of one run, which this machine's noise (a third between runs) cannot blur as sequential runs do.

    python bench/catalogue_page.py [--seconds 10] [--connections 16] [--tokens 50] [--db-pool-size N]
        [--workers N] [--compare-with DIR] [--rounds 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson

from bench.floor_server import FLOOR_SQL, PAGE_SIZE, floor_page, plain_database_url
from gocart.cli import migrate, seed
from gocart.processes import ProcessSpec, Supervisor, base_url, settings_env, subgraph_process
from gocart.servers import event_loop_factory, free_port
from gocart.settings import StackSettings
from gocart.stack import Stack
from subgraphs.common.auth import Role

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_PAGE = """
    query { products(first: 20, sort: PRICE_ASC) {
      edges { node { id name price currency stock { available } category { name } } } } }
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


async def _floor(database_url: str, pages: int) -> tuple[float, bytes]:
    connection = await asyncpg.connect(plain_database_url(database_url))
    try:
        statement = await connection.prepare(FLOOR_SQL)
        body = b""
        for _ in range(pages // 10):  # warm-up
            body = floor_page(list(await statement.fetch(PAGE_SIZE)))
        started = time.process_time()
        for _ in range(pages):
            body = floor_page(list(await statement.fetch(PAGE_SIZE)))
        return (time.process_time() - started) * 1000 / pages, body
    finally:
        await connection.close()


def floor_process(port: int, database_url: str) -> ProcessSpec:
    """The floor over HTTP (bench/floor_server.py) on `port`."""
    argv = [sys.executable, str(ROOT / "bench" / "floor_server.py"), "--port", str(port)]
    return ProcessSpec(
        "floor", [*argv, "--database-url", database_url], {}, f"http://127.0.0.1:{port}/health"
    )


def floor_cpu_ms(database_url: str, pages: int = 3000) -> tuple[float, bytes]:
    """CPU (ms, this process) per floor page, on the event loop the subgraphs run on, and the page."""
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(_floor(database_url, pages))


def compared_products(checkout: Path, settings: Any) -> ProcessSpec:
    """The products subgraph of another checkout: `-P` keeps this checkout off the module path, so
    `gocart` and `subgraphs` come from `checkout`."""
    return ProcessSpec(
        "products-compared",
        [sys.executable, "-P", "-m", "gocart.serve", "products"],
        {**settings_env(settings), "PYTHONPATH": f"{checkout}{os.pathsep}{checkout / 'rest-compat'}"},
        f"{base_url(settings)}/health",
    )


def process_tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and every process under it (uvicorn workers), from /proc."""
    return cpu_seconds_by_part({"process": pid})["process"]


def cpu_seconds_by_part(
    trees: Mapping[str, int], programs: Mapping[str, str] | None = None
) -> dict[str, float]:
    """User + system CPU so far, from one reading of /proc: of each named process tree (a process and
    every process under it), and of all processes of each named program (by its command name, e.g.
    `postgres`: the server and its backends, which no process of ours parents)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command, _, rest = (entry / "stat").read_text().rpartition(")")
        except OSError:
            continue
        fields = rest.split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        commands[pid] = command.partition("(")[2]
    spent: dict[str, float] = {}
    for part, root in trees.items():
        tree, frontier = {root}, [root]
        while frontier:
            parent = frontier.pop()
            children = [child for child, of in parents.items() if of == parent and child not in tree]
            tree.update(children)
            frontier.extend(children)
        spent[part] = sum(times.get(member, 0.0) for member in tree)
    for part, program in (programs or {}).items():
        spent[part] = sum(times[pid] for pid, command in commands.items() if command == program)
    return spent


async def closed_loop(
    url: str, body: bytes, authorizations: Sequence[str], *, connections: int, seconds: float
) -> tuple[int, bytes]:
    """Requests answered in `seconds` with `connections` in flight, and the last answer."""
    answered = 0
    last = b""
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:

        async def worker(offset: int) -> None:
            nonlocal answered, last
            while time.perf_counter() < deadline:
                headers = {
                    "content-type": "application/json",
                    "authorization": authorizations[(answered + offset) % len(authorizations)],
                }
                async with session.post(url, data=body, headers=headers) as response:
                    last = await response.read()
                    if response.status != 200 or orjson.loads(last).get("errors"):
                        raise RuntimeError(f"{url}: {response.status} {last[:500]!r}")
                answered += 1

        await asyncio.gather(*(worker(offset) for offset in range(connections)))
    return answered, last


def subgraph_cpu_ms(
    pid: int, url: str, *, authorizations: Sequence[str], connections: int, seconds: float, warmup: float
) -> tuple[float, float, bytes]:
    """CPU (ms) of the process tree `pid` per answered request, requests per second, and an answer."""
    body = orjson.dumps({"query": CATALOGUE_PAGE})
    asyncio.run(closed_loop(url, body, authorizations, connections=connections, seconds=warmup))
    before = process_tree_cpu_seconds(pid)
    answered, answer = asyncio.run(
        closed_loop(url, body, authorizations, connections=connections, seconds=seconds)
    )
    spent = process_tree_cpu_seconds(pid) - before
    return spent * 1000 / answered, answered / seconds, answer


def same_page(subgraph_answer: bytes, floor_answer: bytes) -> bool:
    answer: dict[str, Any] = orjson.loads(subgraph_answer)
    floor: dict[str, Any] = orjson.loads(floor_answer)
    return answer == floor


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=50, help="distinct callers (tokens) cycled through")
    parser.add_argument("--db-pool-size", type=int, help="the subgraph's DB_POOL_SIZE (else its default)")
    parser.add_argument("--workers", type=int, default=1, help="the subgraph's WORKERS")
    parser.add_argument(
        "--compare-with", type=Path, metavar="DIR", help="also serve this checkout's products"
    )
    parser.add_argument("--rounds", type=int, default=1, help="measurements of each subgraph, taking turns")
    args = parser.parse_args(argv)

    stack = Stack(StackSettings(log_level="WARNING"))
    migrate(stack)
    asyncio.run(seed(stack))
    authorizations = [
        f"Bearer {stack.dev_token(Role.CUSTOMER, f'bench-{index}', hours=2)}" for index in range(args.tokens)
    ]
    ports = stack.free_ports()
    overrides = {"db_pool_size": args.db_pool_size} if args.db_pool_size else {}
    settings = stack.products_settings(ports).model_copy(
        update={
            "jwt_jwks_url": None,
            "jwt_jwks_file": stack.keys.published_jwks_path,
            "router_invalidation_url": None,  # no router runs here: nothing to invalidate
            "workers": args.workers,
            **overrides,
        }
    )
    floor_ms, floor_answer = floor_cpu_ms(stack.database_url)
    floor_port = free_port("127.0.0.1", ports.products + 100, taken=[ports.products])
    compared_port = free_port("127.0.0.1", ports.products + 101, taken=[ports.products, floor_port])
    compared_settings = settings.model_copy(update={"port": compared_port})
    specs = [subgraph_process("products", settings), floor_process(floor_port, stack.database_url)]
    if args.compare_with is not None:
        specs.append(compared_products(args.compare_with.resolve(), compared_settings))
    services = Supervisor(specs, cwd=ROOT)
    services.start()
    measure = partial(
        subgraph_cpu_ms,
        authorizations=authorizations,
        connections=args.connections,
        seconds=args.seconds,
        warmup=args.warmup,
    )
    try:
        services.wait_until_ready()
        http_floor_ms, http_floor_rps, http_floor_answer = measure(
            services.process("floor").pid, f"http://127.0.0.1:{floor_port}/graphql"
        )
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for _ in range(args.rounds):
            cpu_ms, rps, answer = measure(services.process("products").pid, f"{base_url(settings)}/graphql")
            ours.append((cpu_ms, rps))
            if args.compare_with is not None:
                other_ms, other_rps, other_answer = measure(
                    services.process("products-compared").pid, f"{base_url(compared_settings)}/graphql"
                )
                theirs.append((other_ms, other_rps))
                if not same_page(other_answer, floor_answer):
                    raise RuntimeError(f"{args.compare_with}'s products subgraph answered another page")
    finally:
        services.stop()
    cpu_ms, rps = (statistics.median(values) for values in zip(*ours, strict=True))
    same = same_page(answer, floor_answer) and same_page(http_floor_answer, floor_answer)
    print(
        f"catalogue page ({PAGE_SIZE} products), {args.connections} connections, {args.tokens} callers,"
        f" pool of {settings.db_pool_size}, {settings.workers} worker(s)"
    )
    print(f"  floor, in process (SQL rows -> orjson)  {floor_ms:6.2f} ms CPU per page")
    print(
        f"  floor, over HTTP (same, on uvicorn)     {http_floor_ms:6.2f} ms CPU per page"
        f"  {http_floor_rps:6.0f} req/s"
    )
    print(f"  products subgraph                       {cpu_ms:6.2f} ms CPU per page  {rps:6.0f} req/s")
    if theirs:
        other_ms, other_rps = (statistics.median(values) for values in zip(*theirs, strict=True))
        print(
            f"  products subgraph of {args.compare_with}  {other_ms:6.2f} ms CPU per page"
            f"  {other_rps:6.0f} req/s   ours / theirs = {cpu_ms / other_ms:.2f}x CPU"
        )
    print(
        f"  products subgraph / floor over HTTP = {cpu_ms / http_floor_ms:.1f}x"
        f"   / floor in process = {cpu_ms / floor_ms:.1f}x   same page: {same}"
    )


if __name__ == "__main__":
    main()
