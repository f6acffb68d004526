"""The `gocart` command: `dev`, `serve`, `migrate`, `seed`, `token`, `keys rotate`, `export-schema`.

gocart dev                      run the local stack (embedded PostgreSQL and Redis unless URLs are set)
gocart serve users|products     run one subgraph from its settings (GOCART_USERS_*, ...): gocart-users, ...
gocart migrate [--check]        bring every subgraph's schema up to date (or check that it is)
gocart seed                     add the demo data where missing
gocart token                    mint a development access token (signed with the local dev key)
gocart keys rotate              sign with the next key; keep the current one published as the previous
gocart export-schema            write each subgraph's SDL to schema/
gocart trace ID                 show a trace that `gocart dev --trace` wrote, as a tree
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from gocart import demo
from gocart.compose import SUPERGRAPH, CompositionError, SubgraphSource, accepted_hints, compose
from gocart.embedded import EmbeddedServerMissing
from gocart.keys import KeyFolder, RotationTooSoon
from gocart.settings import StackSettings
from gocart.stack import DEV_MAX_TOKEN_LIFETIME_SECONDS, DEV_TOKEN_HOURS, Ports, Stack, traces_folder
from subgraphs.common.auth import Role
from subgraphs.common.settings import SubgraphSettings
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings

# Only what every command needs is imported here, so that `gocart --help` and `gocart token` answer at
# once: each command imports the web frameworks, the database and the subgraphs' code it uses itself
# (tests/gocart/test_cli_imports.py keeps it so).
if TYPE_CHECKING:
    from fastapi import FastAPI
    from strawberry.schema import BaseSchema

    from router.config import RouterSettings
    from subgraphs.common.migrations import MigrationSource

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
OPENAPI = ROOT / "docs" / "openapi.json"


@dataclass(frozen=True)
class Subgraph:
    """What the CLI knows of a subgraph: how to migrate, serve and describe it. Its code
    (`subgraphs.NAME.main` and `.schema`) is imported when a command first asks for it."""

    name: str
    settings_from_env: Callable[[], SubgraphSettings]
    default_port: int

    def _module(self, module: str) -> ModuleType:
        return import_module(f"subgraphs.{self.name}.{module}")

    @property
    def migrations(self) -> MigrationSource:
        migrations: MigrationSource = self._module("main").MIGRATIONS
        return migrations

    def create_app(self, settings: SubgraphSettings) -> FastAPI:
        """The subgraph's app, from its own settings (`settings_from_env`'s class)."""
        app: FastAPI = self._module("main").create_app(settings)
        return app

    def create_schema(self) -> BaseSchema:
        schema: BaseSchema = self._module("schema").create_schema()
        return schema

    def source(self, host: str = "127.0.0.1") -> SubgraphSource:
        """The subgraph as composition sees it: its SDL from the code and its default URL."""
        from subgraphs.common.sdl import export_sdl

        return SubgraphSource(
            self.name, f"http://{host}:{self.default_port}/graphql", export_sdl(self.create_schema())
        )


SUBGRAPHS = {
    subgraph.name: subgraph
    for subgraph in (
        Subgraph("users", UsersSettings, 4002),
        Subgraph("products", ProductsSettings, 4001),
        Subgraph("orders", OrdersSettings, 4003),
    )
}


def migrate(stack: Stack) -> None:
    from subgraphs.common.migrations import upgrade

    for subgraph in SUBGRAPHS.values():
        upgrade(stack.database_url, subgraph.migrations)


@dataclass(frozen=True)
class SeedResult:
    products: int
    customers: int


async def seed(stack: Stack) -> SeedResult:
    from subgraphs.common.db import create_engine
    from subgraphs.common.redis import create_redis
    from subgraphs.products import seed as products_seed
    from subgraphs.products.caches import ProductCaches
    from subgraphs.users import seed as users_seed
    from subgraphs.users.passwords import Passwords

    products_settings, users_settings = stack.products_settings(), stack.users_settings()
    engine = create_engine(stack.database_url, pool_size=2, application_name="gocart-seed")
    redis = create_redis(stack.redis_url)
    try:
        products = await products_seed.seed(engine, ProductCaches.create(redis, products_settings))
        passwords = Passwords(
            time_cost=users_settings.password_time_cost, memory_kib=users_settings.password_memory_kib
        )
        customers = await users_seed.seed(
            engine, passwords, customer_password=stack.dev_password, admin=stack.admin_credentials
        )
        return SeedResult(products=products, customers=customers)
    finally:
        await redis.aclose()
        await engine.dispose()


def banner(
    stack: Stack, ports: Ports, added: SeedResult | None, demo_orders: str, router_settings: RouterSettings
) -> str:
    from router.protections import describe_protections
    from subgraphs.users import seed as users_seed
    from subgraphs.users.main import JWKS_PATH

    host = stack.settings.host
    users, products = f"http://{host}:{ports.users}", f"http://{host}:{ports.products}"
    router, orders = f"http://{host}:{ports.router}", f"http://{host}:{ports.orders}"
    rest = f"http://{host}:{ports.rest}"
    admin_email, admin_password = stack.admin_credentials
    customer = users_seed.CUSTOMERS[0][0]
    demo_data = "skipped"
    if added:
        demo_data = f"{added.products} products and {added.customers} customers added; {demo_orders}"
    return "\n".join(
        [
            "",
            "Gocart is running. Press Ctrl-C to stop.",
            f"  PostgreSQL  {stack.describe_database()}",
            f"  Redis       {stack.describe_redis()}",
            f"  Demo data   {demo_data}",
            f"  Tracing     {stack.describe_tracing()}",
            "",
            f"  GraphQL (router)   {router}/graphql   <- start here: open it in a browser for GraphiQL",
            f"  REST (legacy)      {rest}/docs   (Swagger UI; OpenAPI at {rest}/openapi.json)",
            f"  Users subgraph     {users}/graphql   (JWKS at {users}{JWKS_PATH})",
            f"  Products subgraph  {products}/graphql",
            f"  Orders subgraph    {orders}/graphql",
            "  /health answers on every service, /ready on every subgraph.",
            "",
            "  The router's protections (docs/router.md to change them):",
            *(f"    {line}" for line in describe_protections(router_settings)),
            "",
            "  Sign in with the `login` mutation:",
            f"    admin     {admin_email} / {admin_password}",
            f"    customer  {customer} / {stack.dev_password}   (and the other demo customers)",
            f"  The development password is kept in {stack.settings.data_dir / 'dev-password'}.",
            "",
            f"  Or send an admin token ({DEV_TOKEN_HOURS} h) as  Authorization: Bearer <token>",
            f"  {stack.dev_token(Role.ADMIN, 'dev-admin')}",
            "",
        ]
    )


def cmd_dev(args: argparse.Namespace) -> int:
    from gocart.processes import base_url, rest_process, router_process, run_supervised, subgraph_process
    from subgraphs.common.logging import configure_logging

    settings = StackSettings()
    if args.trace:
        settings = settings.model_copy(update={"trace_to_files": True})
    configure_logging(level=settings.log_level, json=settings.log_json)
    print("Starting Gocart...", flush=True)
    stack = Stack(settings)
    migrate(stack)
    added = None if args.no_seed else asyncio.run(seed(stack))
    ports = stack.free_ports()
    subgraph_settings: dict[str, SubgraphSettings] = {
        "users": stack.users_settings(ports),
        "products": stack.products_settings(ports),
        "orders": stack.orders_settings(ports),
    }
    router = stack.router_settings(
        ports, {name: f"{base_url(config)}/graphql" for name, config in subgraph_settings.items()}
    )
    specs = [subgraph_process(name, config) for name, config in subgraph_settings.items()]
    specs.append(router_process(router))
    specs.append(rest_process(stack.rest_settings(ports)))

    def on_ready() -> None:
        orders = "no demo orders"
        if not args.no_seed:
            router_url = f"{base_url(router)}/graphql"
            try:
                statuses = demo.place_demo_orders(
                    router_url, password=stack.dev_password, admin=stack.admin_credentials
                )
                orders = demo.describe_demo_orders(statuses)
            except (OSError, demo.DemoOrdersFailed) as error:
                orders = f"demo orders NOT placed ({error})"
        print(banner(stack, ports, added, orders, router), flush=True)

    return run_supervised(specs, cwd=ROOT, on_ready=on_ready, policy=settings.restart)


def cmd_serve(args: argparse.Namespace) -> int:
    """The same as `gocart-users`, `gocart-products` or `gocart-orders`."""
    from gocart.serve import serve

    return serve(args.subgraph, host=args.host, port=args.port)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Migrate (or with --check, wait for) the named subgraphs, all by default. A configured
    GOCART_DATABASE_URL is all it needs (a deployment's Job): no embedded server, key or password."""
    from gocart.migration_check import wait_until_migrated
    from subgraphs.common.migrations import upgrade

    settings = StackSettings()
    database_url = (
        settings.database_url.get_secret_value() if settings.database_url else Stack(settings).database_url
    )
    chosen = {name: SUBGRAPHS[name].migrations for name in args.subgraphs or SUBGRAPHS}
    if args.check:
        state = wait_until_migrated(database_url, chosen, wait_seconds=args.wait)
        print(f"Migrations: {state.describe()}", flush=True)
        return 0 if state.current else 1
    for source in chosen.values():
        upgrade(database_url, source)
    print(f"Migrations applied: {', '.join(chosen)}")
    return 0


def cmd_assets(_args: argparse.Namespace) -> int:
    from gocart.assets import vendor  # only this command needs it

    vendor()
    return 0


def cmd_seed(_args: argparse.Namespace) -> int:
    stack = Stack(StackSettings())
    migrate(stack)
    added = asyncio.run(seed(stack))
    print(f"Demo data: {added.products} products added")
    print(f"Demo data: {added.customers} customers added")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    stack = Stack(StackSettings())
    print(stack.dev_token(Role(args.role), args.subject, hours=args.hours))
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    """Rotate the users subgraph's keys in the key folder (docs/operations.md, "Rotating the signing key")."""
    folder = KeyFolder.open((StackSettings().data_dir / "keys").resolve())
    try:
        rotation = folder.rotate(min_interval_seconds=args.min_interval, force=args.force)
    except RotationTooSoon as refusal:
        print(f"Not rotated: {refusal}", file=sys.stderr)
        return 1
    print(f"Now signing with {rotation.current} (next: {rotation.next}).")
    print(f"{rotation.previous} stays published: the tokens it signed verify until they expire.")
    if rotation.retired is not None:
        print(f"{rotation.retired} is no longer published: tokens it signed are refused.")
    print(
        f"The users subgraph reads {folder.users} again within GOCART_USERS_JWT_KEY_RELOAD_SECONDS "
        "(10 s by default); nothing needs restarting."
    )
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    """Print one trace from the spans files of `gocart dev --trace`."""
    from gocart.traces import read_trace, render_tree

    folder = traces_folder(StackSettings())
    lines = render_tree(read_trace(folder, args.trace_id))
    if not lines:
        print(
            f"No spans of trace {args.trace_id} in {folder} (gocart dev --trace writes them).",
            file=sys.stderr,
        )
        return 1
    print("\n".join(lines))
    return 0


def cmd_export_schema(args: argparse.Namespace) -> int:
    from rest_compat.app import openapi_document
    from subgraphs.common.sdl import export_sdl

    target = Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    for subgraph in SUBGRAPHS.values():
        path = target / f"{subgraph.name}.graphql"
        path.write_text(export_sdl(subgraph.create_schema()))
        print(f"Wrote {path}")
    OPENAPI.write_text(openapi_document())
    print(f"Wrote {OPENAPI}")
    return 0


def cmd_compose(args: argparse.Namespace) -> int:
    cmd_export_schema(args)
    try:
        result = compose([subgraph.source() for subgraph in SUBGRAPHS.values()])
    except CompositionError as failure:
        print(f"Composition failed: {failure}", file=sys.stderr)
        return 1
    for problem in result.errors:
        print(f"error {problem.code}: {problem.message}", file=sys.stderr)
    unaccepted = result.unaccepted_hints(accepted_hints())
    for hint in unaccepted:
        print(f"hint {hint.code}: {hint.message}", file=sys.stderr)
    if result.errors or unaccepted or result.supergraph_sdl is None:
        print("Composition reported problems; schema/supergraph.graphql is unchanged.", file=sys.stderr)
        return 1
    SUPERGRAPH.write_text(result.supergraph_sdl.rstrip() + "\n")
    print(f"Wrote {SUPERGRAPH}")
    return 0


def subgraph_name(name: str) -> str:
    """A subgraph named on the command line (argparse's `choices` refuses an empty `nargs="*"` list)."""
    if name not in SUBGRAPHS:
        raise argparse.ArgumentTypeError(f"{name!r} is no subgraph (choose from {', '.join(SUBGRAPHS)})")
    return name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gocart", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run the local stack with demo data")
    dev.add_argument("--no-seed", action="store_true", help="do not add the demo data")
    dev.add_argument(
        "--trace",
        action="store_true",
        help="without a collector (GOCART_TRACING__OTLP_ENDPOINT), write every service's spans to the data "
        "folder, for `gocart trace ID`",
    )
    dev.set_defaults(handler=cmd_dev)

    serve = commands.add_parser(
        "serve", help="run one subgraph from its own settings (as gocart-users, gocart-products, ...)"
    )
    serve.add_argument("subgraph", choices=sorted(SUBGRAPHS))
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(handler=cmd_serve)

    migrations = commands.add_parser("migrate", help="apply database migrations (or check them)")
    migrations.add_argument(
        "subgraphs",
        nargs="*",
        type=subgraph_name,
        metavar="SUBGRAPH",
        help="users, products, orders (default: all)",
    )
    migrations.add_argument(
        "--check", action="store_true", help="apply nothing: exit 1 unless every schema is up to date"
    )
    migrations.add_argument(
        "--wait", type=float, default=0, metavar="SECONDS", help="with --check: wait this long for them"
    )
    migrations.set_defaults(handler=cmd_migrate)
    commands.add_parser("seed", help="add the demo data where missing").set_defaults(handler=cmd_seed)

    token = commands.add_parser("token", help="mint a development access token")
    token.add_argument("--role", choices=[str(r) for r in Role], default=str(Role.ADMIN))
    token.add_argument("--subject", default="dev-admin")
    token.add_argument(
        "--hours",
        type=int,
        choices=range(1, DEV_TOKEN_HOURS + 1),
        default=DEV_TOKEN_HOURS,
        metavar=f"1..{DEV_TOKEN_HOURS}",
        help="the dev stack refuses longer-lived tokens",
    )
    token.set_defaults(handler=cmd_token)

    keys = commands.add_parser("keys", help="the local key folder").add_subparsers(
        dest="action", required=True
    )
    rotate = keys.add_parser("rotate", help="sign with the next key; keep the current one as the previous")
    rotate.add_argument(
        "--min-interval",
        type=int,
        default=DEV_MAX_TOKEN_LIFETIME_SECONDS,
        metavar="SECONDS",
        help="refuse to rotate sooner after the last rotation: the longest token lifetime the verifiers "
        f"accept (default {DEV_MAX_TOKEN_LIFETIME_SECONDS}, the dev stack's)",
    )
    rotate.add_argument(
        "--force", action="store_true", help="rotate anyway; tokens of the dropped key are refused"
    )
    rotate.set_defaults(handler=cmd_keys_rotate)

    trace = commands.add_parser("trace", help="show a trace written by `gocart dev --trace`, as a tree")
    trace.add_argument("trace_id", metavar="ID", help="the trace id (the router's x-trace-id header)")
    trace.set_defaults(handler=cmd_trace)

    export = commands.add_parser("export-schema", help="write each subgraph's SDL to schema/")
    export.add_argument("--out", default=str(SCHEMA_DIR))
    export.set_defaults(handler=cmd_export_schema)

    composition = commands.add_parser("compose", help="export the SDL and compose schema/supergraph.graphql")
    composition.add_argument("--out", default=str(SCHEMA_DIR))
    composition.set_defaults(handler=cmd_compose)

    assets = commands.add_parser(
        "assets", help="vendor GraphiQL, Swagger UI and ReDoc from the npm registry (pinned, verified)"
    )
    assets.set_defaults(handler=cmd_assets)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        code = 130
    except EmbeddedServerMissing as missing:
        print(f"gocart: {missing}", file=sys.stderr)
        code = 1
    return code


if __name__ == "__main__":
    sys.exit(main())
