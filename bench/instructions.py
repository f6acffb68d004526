"""Instructions per request under callgrind: the products subgraph's catalogue page, `{ __typename }` and
the page's floor, and the orders subgraph's part of the orders page, in process, counted rather than
timed.

On a shared two-core VM the CPU time of one request moves by a third between runs of the same code, so
a change worth a few percent cannot be seen in `bench/catalogue_page.py`. Valgrind's callgrind counts
the instructions executed instead: the same code, data and settings give the same count (within half a
percent between runs here). The products app is built with `create_app(settings)` and driven through
ASGI in this process (no HTTP server, so neither uvicorn's nor the kernel's work is counted), against
the real PostgreSQL and Redis; instrumentation is switched on (`callgrind_control`) only around the
measured requests, after a warm-up, so imports and start-up are not counted. The floor is the page from
one asyncpg query and orjson (bench/floor_server.py), on the same loop. The orders workload is the fetch
the router sends the orders subgraph for `bench/federation.py`'s orders page (five orders with their
customer and items, the products and users as references), by an admin as there (the newest orders of
all, placed by an earlier run of `bench/federation.py` or `gocart dev`; skipped when there are none). The
apps' background pollers (event relay, stock task, webhooks) are off, so only requests are counted.
Figures are printed, never asserted.

    python bench/instructions.py [--requests 40] [--compare-with DIR]

`--compare-with DIR` counts another checkout's app too (e.g. a `git worktree` of main), on the same
database and settings: before and after as a ratio of counts. Needs `valgrind` on the PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import asyncpg
import orjson

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_PAGE = """
    query { products(first: 20, sort: PRICE_ASC) {
      edges { node { id name price currency stock { available } category { name } } } } }
"""
TYPENAME = "{ __typename }"
ORDERS_FETCH = """
    query { orders(first: 5) { edges { node { number status total
      customer { __typename id } items { quantity product { __typename id } } } } } }
"""
WORKLOADS = ("page", "typename", "floor", "orders")
WARM_UP = 60
POLL_SECONDS = 0.05


# ---------------------------------------------------------------- the measured process


async def _serve_requests(workload: str, requests: int, signals: Path) -> None:
    """Warm up, tell the driver (the file `ready`), wait for it to switch instrumentation on (it sends
    SIGUSR1), run the measured requests, tell it (`done`), and wait for it to switch instrumentation
    off (SIGUSR1 again)."""
    told = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, told.set)
    async with AsyncExitStack() as resources:
        run = await _workload(workload, resources)
        for index in range(WARM_UP):
            await run(index)
        (signals / "ready").touch()
        await told.wait()
        told.clear()
        for index in range(requests):
            await run(index)
        (signals / "done").touch()
        await told.wait()


async def _workload(workload: str, resources: AsyncExitStack) -> Callable[[int], Awaitable[None]]:
    if workload == "floor":
        return await _floor_requests(resources)
    if workload == "orders":
        return await _orders_requests(resources)
    return await _app_requests(CATALOGUE_PAGE if workload == "page" else TYPENAME, resources)


async def _floor_requests(resources: AsyncExitStack) -> Callable[[int], Awaitable[None]]:
    from bench.floor_server import FLOOR_SQL, PAGE_SIZE, floor_page, plain_database_url
    from gocart.settings import StackSettings
    from gocart.stack import Stack

    database_url = Stack(StackSettings(log_level="WARNING")).database_url
    connection = await asyncpg.connect(plain_database_url(database_url))
    resources.push_async_callback(connection.close)
    statement = await connection.prepare(FLOOR_SQL)

    async def run(_index: int) -> None:
        floor_page(list(await statement.fetch(PAGE_SIZE)))

    return run


async def _app_requests(query: str, resources: AsyncExitStack) -> Callable[[int], Awaitable[None]]:
    """One request of `query` to the products app through ASGI, with one of 50 callers' tokens."""
    from gocart.settings import StackSettings
    from gocart.stack import Stack
    from subgraphs.common.auth import Role
    from subgraphs.products.main import create_app

    stack = Stack(StackSettings(log_level="WARNING"))
    app = create_app(stack.products_settings().model_copy(update=_quiet_settings(stack)))
    tokens = [stack.dev_token(Role.CUSTOMER, f"bench-{index}", hours=2) for index in range(50)]
    return await _asgi_requests(app, query, tokens, resources)


async def _orders_requests(resources: AsyncExitStack) -> Callable[[int], Awaitable[None]]:
    """The orders page's fetch to the orders app through ASGI, with one of 50 admin tokens."""
    from bench.floor_server import plain_database_url
    from gocart.settings import StackSettings
    from gocart.stack import Stack
    from subgraphs.common.auth import Role
    from subgraphs.orders.main import create_app

    stack = Stack(StackSettings(log_level="WARNING"))
    if not await _has_orders(plain_database_url(stack.database_url)):
        raise RuntimeError("there are no orders: run bench/federation.py once to place them")
    quiet = {**_quiet_settings(stack), "stock_task_interval_seconds": 0.0, "webhook_interval_seconds": 0.0}
    app = create_app(stack.orders_settings().model_copy(update=quiet))
    tokens = [stack.dev_token(Role.ADMIN, "bench-admin", hours=2) for _ in range(50)]
    return await _asgi_requests(app, ORDERS_FETCH, tokens, resources)


async def _has_orders(database_url: str) -> bool:
    connection = await asyncpg.connect(database_url)
    try:
        return bool(await connection.fetchval("SELECT EXISTS (SELECT FROM orders.orders)"))
    finally:
        await connection.close()


def _quiet_settings(stack: Any) -> dict[str, Any]:
    """Keys from the stack's file (no users app to fetch them from), no router to notify, and no
    background poller whose work would be counted with the requests'."""
    return {
        "jwt_jwks_url": None,
        "jwt_jwks_file": stack.keys.published_jwks_path,
        "router_invalidation_url": None,
        "event_relay_interval_seconds": 0.0,
    }


async def _asgi_requests(
    app: Any, query: str, tokens: Sequence[str], resources: AsyncExitStack
) -> Callable[[int], Awaitable[None]]:
    """One request of `query` to `app` through ASGI, with the tokens in turn; the app's lifespan is
    entered here and left with `resources`."""
    from observability.logs import configure_logging

    configure_logging(level="WARNING", json=True)
    await resources.enter_async_context(app.router.lifespan_context(app))
    authorizations = [f"Bearer {token}".encode() for token in tokens]
    body = orjson.dumps({"query": query})

    async def run(index: int) -> None:
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        await app(_scope(authorizations[index % len(authorizations)]), receive, send)
        if sent[0]["status"] != 200 or b'"errors"' in sent[-1]["body"]:
            raise RuntimeError(f"the app answered {sent[0]['status']}: {sent[-1]['body'][:300]!r}")

    return run


def _scope(authorization: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"authorization", authorization),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4001),
        "state": {},
    }


# ---------------------------------------------------------------- the driver


def instructions_per_request(checkout: Path, workload: str, requests: int) -> float:
    """Run `workload` of `checkout`'s code under callgrind; instructions per measured request."""
    with tempfile.TemporaryDirectory(prefix="gocart-callgrind-") as folder:
        signals = Path(folder)
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={signals / 'callgrind.out.%p'}",
            sys.executable,
            "-P",  # `checkout`'s code, not this one's
            str(Path(__file__).resolve()),
            "--serve",
            workload,
            "--requests",
            str(requests),
            "--signals",
            str(signals),
        ]
        environment = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{checkout / 'rest-compat'}"}
        process = subprocess.Popen(
            command, cwd=checkout, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            _wait_for(signals / "ready", process)
            _callgrind_control(process.pid, "--instr=on")
            process.send_signal(signal.SIGUSR1)
            _wait_for(signals / "done", process)
            _callgrind_control(process.pid, "--instr=off")
            _callgrind_control(process.pid, "--dump")
            process.send_signal(signal.SIGUSR1)
            _, errors = process.communicate(timeout=600)
        finally:
            if process.poll() is None:
                process.kill()
        if process.returncode != 0:
            raise RuntimeError(f"the measured process failed: {errors.decode()[-2000:]}")
        return _counted(signals) / requests


def _wait_for(signal: Path, process: subprocess.Popen[bytes]) -> None:
    while not signal.exists():
        if process.poll() is not None:
            _, errors = process.communicate()
            raise RuntimeError(f"the measured process stopped: {errors.decode()[-2000:]}")
        time.sleep(POLL_SECONDS)


def _callgrind_control(pid: int, option: str) -> None:
    subprocess.run(["callgrind_control", option, str(pid)], check=True, capture_output=True)


def _counted(signals: Path) -> int:
    """The instructions of every dump (`totals:` of each callgrind output file)."""
    total = 0
    for output in signals.glob("callgrind.out.*"):
        for line in output.read_text().splitlines():
            if line.startswith("totals:"):
                total += int(line.split()[1])
    return total


def _prepare_database() -> None:
    from gocart.cli import migrate, seed
    from gocart.settings import StackSettings
    from gocart.stack import Stack

    stack = Stack(StackSettings(log_level="WARNING"))
    migrate(stack)
    asyncio.run(seed(stack))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=40, help="measured requests of each workload")
    parser.add_argument("--compare-with", type=Path, help="another checkout whose app is counted too")
    parser.add_argument("--serve", choices=WORKLOADS, help=argparse.SUPPRESS)
    parser.add_argument("--signals", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        import uvloop

        uvloop.run(_serve_requests(args.serve, args.requests, args.signals))
        return

    _prepare_database()
    print(f"instructions per request (callgrind, in process, {args.requests} after {WARM_UP} to warm up)")
    floor = instructions_per_request(ROOT, "floor", args.requests)
    print(f"  floor (one asyncpg query, orjson)   {floor / 1e6:7.2f} M")
    checkouts = [ROOT] if args.compare_with is None else [ROOT, args.compare_with.resolve()]
    pages: list[float] = []
    for checkout in checkouts:
        page = instructions_per_request(checkout, "page", args.requests)
        typename = instructions_per_request(checkout, "typename", args.requests)
        pages.append(page)
        print(
            f"  {'ours' if checkout == ROOT else str(checkout):<12} catalogue page {page / 1e6:7.2f} M"
            f"   {{ __typename }} {typename / 1e6:5.2f} M   page / floor = {page / floor:.1f}x"
        )
    if len(pages) == 2:
        print(f"  ours / theirs = {pages[0] / pages[1]:.3f}x instructions per page")
    _count_orders(checkouts, args.requests)


def _count_orders(checkouts: Sequence[Path], requests: int) -> None:
    """The orders subgraph's part of the orders page, per checkout (skipped without orders)."""
    counts: list[float] = []
    for checkout in checkouts:
        try:
            orders = instructions_per_request(checkout, "orders", requests)
        except RuntimeError as error:
            print(f"  orders subgraph: not counted ({str(error).strip().splitlines()[-1]})")
            return
        counts.append(orders)
        print(
            f"  {'ours' if checkout == ROOT else str(checkout):<12} orders page's fetch {orders / 1e6:7.2f} M"
        )
    if len(counts) == 2:
        print(f"  ours / theirs = {counts[0] / counts[1]:.3f}x instructions per orders fetch")


if __name__ == "__main__":
    main()
