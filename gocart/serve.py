"""Each subgraph's own command: `gocart-users`, `gocart-products`, `gocart-orders` (and the alias
`gocart serve NAME`), which serves one subgraph from its own settings (`GOCART_USERS_*`, ...), as the
images do.

Each command imports its own subgraph only, so a subgraph's process loads nothing of the other subgraphs,
the router, the REST layer or the embedded servers (those are in the `[local]` extra, never in images).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from functools import partial

import uvicorn
from fastapi import FastAPI

from gocart.servers import Service, event_loop_factory, run_services
from observability.startup_heap import freeze_once_started
from subgraphs.common.logging import configure_logging
from subgraphs.common.settings import SubgraphSettings

WORKER_HEALTHCHECK_SECONDS = 60

# A subgraph's settings, read from its environment, and how to build its app from them.
Loaded = tuple[SubgraphSettings, Callable[[], FastAPI]]


def _users() -> Loaded:
    from subgraphs.users.config import UsersSettings
    from subgraphs.users.main import create_app

    settings = UsersSettings()
    return settings, partial(create_app, settings)


def _products() -> Loaded:
    from subgraphs.products.config import ProductsSettings
    from subgraphs.products.main import create_app

    settings = ProductsSettings()
    return settings, partial(create_app, settings)


def _orders() -> Loaded:
    from subgraphs.orders.config import OrdersSettings
    from subgraphs.orders.main import create_app

    settings = OrdersSettings()
    return settings, partial(create_app, settings)


SUBGRAPH_LOADERS: dict[str, Callable[[], Loaded]] = {
    "users": _users,
    "products": _products,
    "orders": _orders,
}


def serve(name: str, *, host: str | None = None, port: int | None = None) -> int:
    """Serve subgraph `name` until SIGINT or SIGTERM; `host` and `port` override its settings.

    With `workers` above 1, uvicorn's supervisor runs that many processes on the one port, each
    building its own app (and pools) from the same environment (`worker_app`)."""
    settings, build_app = SUBGRAPH_LOADERS[name]()
    configure_logging(level=settings.log_level, json=settings.log_json)
    if settings.workers > 1:
        uvicorn.run(
            f"gocart.serve:{name}_worker_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=settings.workers,
            loop="uvloop" if event_loop_factory() is not None else "asyncio",
            log_config=None,
            lifespan="on",
            proxy_headers=False,
            # A worker answers the supervisor's pings once it has imported the app; on a busy machine
            # that takes longer than uvicorn's 5 s, and it would be killed and started again in a loop.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        )
        return 0
    service = Service(name, freeze_once_started(build_app()), host or settings.host, port or settings.port)
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(run_services([service]))
    return 0


def worker_app(name: str) -> FastAPI:
    """One worker's app, when uvicorn runs several: settings and logging from the environment again,
    as each worker is a fresh process (whose heap its app's lifespan freezes once started)."""
    settings, build_app = SUBGRAPH_LOADERS[name]()
    configure_logging(level=settings.log_level, json=settings.log_json)
    return freeze_once_started(build_app())


def users_worker_app() -> FastAPI:
    return worker_app("users")


def products_worker_app() -> FastAPI:
    return worker_app("products")


def orders_worker_app() -> FastAPI:
    return worker_app("orders")


def add_address_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (else the subgraph's HOST setting)")
    parser.add_argument("--port", type=int, help="port to listen on (else the subgraph's PORT setting)")


def _command(name: str, argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"gocart-{name}",
        description=f"Serve the {name} subgraph from its settings (GOCART_{name.upper()}_*).",
    )
    add_address_arguments(parser)
    args = parser.parse_args(argv)
    return serve(name, host=args.host, port=args.port)


def users(argv: Sequence[str] | None = None) -> int:
    """`gocart-users`."""
    return _command("users", argv)


def products(argv: Sequence[str] | None = None) -> int:
    """`gocart-products`."""
    return _command("products", argv)


def orders(argv: Sequence[str] | None = None) -> int:
    """`gocart-orders`."""
    return _command("orders", argv)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m gocart.serve NAME [--host H] [--port P]`, as `gocart dev` starts each subgraph."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in SUBGRAPH_LOADERS:
        usage = f"usage: python -m gocart.serve {{{','.join(SUBGRAPH_LOADERS)}}} [--host H] [--port P]"
        print(usage, file=sys.stderr)
        return 2
    return _command(arguments[0], arguments[1:])


if __name__ == "__main__":
    sys.exit(main())
