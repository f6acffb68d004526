"""The `gocart` command: `dev`, `serve`, `migrate`, `seed`, `token`, `export-schema`.

gocart dev              run the local stack (embedded PostgreSQL and Redis unless URLs are set)
gocart serve products   run one subgraph from its own settings (GOCART_PRODUCTS_*), as in containers
gocart migrate          bring every subgraph's schema up to date
gocart seed             add the demo data where missing
gocart token            mint a development access token (signed with the local dev key)
gocart export-schema    write each subgraph's SDL to schema/
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr

from gocart.embedded import EmbeddedServers, start_postgres, start_redis
from gocart.servers import Service, free_port, run_services
from gocart.settings import StackSettings
from subgraphs.common.auth import Role
from subgraphs.common.db import create_engine
from subgraphs.common.logging import configure_logging
from subgraphs.common.migrations import upgrade
from subgraphs.common.redis import create_redis
from subgraphs.common.sdl import export_sdl
from subgraphs.common.signing import SigningKey
from subgraphs.products import seed as products_seed
from subgraphs.products.caches import ProductCaches
from subgraphs.products.config import ProductsSettings
from subgraphs.products.main import MIGRATIONS as PRODUCTS_MIGRATIONS
from subgraphs.products.main import create_app as create_products_app
from subgraphs.products.schema import create_schema as create_products_schema
from subgraphs.users.schema import create_schema as create_users_schema

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
DEV_TOKEN_HOURS = 12


class Stack:
    """The resolved local stack: URLs (configured or embedded), the dev signing key, services' settings."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.embedded = EmbeddedServers()
        self.database_embedded = settings.database_url is None
        self.redis_embedded = settings.redis_url is None
        self.database_url = (
            settings.database_url.get_secret_value()
            if settings.database_url
            else start_postgres(settings.data_dir, self.embedded)
        )
        self.redis_url = (
            settings.redis_url.get_secret_value()
            if settings.redis_url
            else start_redis(settings.data_dir, self.embedded)
        )
        self.signing_key = SigningKey.load_or_create(settings.data_dir / "keys")

    def products_settings(self, port: int | None = None) -> ProductsSettings:
        return ProductsSettings(
            host=self.settings.host,
            port=port or self.settings.products_port,
            database_url=SecretStr(self.database_url),
            redis_url=SecretStr(self.redis_url),
            data_dir=self.settings.data_dir,
            jwt_jwks=SecretStr(self.signing_key.jwks()),
            jwt_issuer=self.settings.jwt_issuer,
            jwt_audience=self.settings.jwt_audience,
            migrate_on_startup=False,
            log_level=self.settings.log_level,
            log_json=self.settings.log_json,
        )

    def describe_database(self) -> str:
        if self.database_embedded:
            return f"embedded, in {self.settings.data_dir / 'postgres'}"
        return "configured (GOCART_DATABASE_URL)"

    def describe_redis(self) -> str:
        if self.redis_embedded:
            return f"embedded, in {self.settings.data_dir / 'redis'}"
        return "configured (GOCART_REDIS_URL)"

    def dev_token(self, role: Role, subject: str, hours: int = DEV_TOKEN_HOURS) -> str:
        return self.signing_key.mint(
            subject=subject,
            role=role,
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            ttl_seconds=hours * 3600,
        )


def migrate(stack: Stack) -> None:
    upgrade(stack.database_url, PRODUCTS_MIGRATIONS)


async def seed(stack: Stack) -> int:
    settings = stack.products_settings()
    engine = create_engine(stack.database_url, pool_size=1, application_name="gocart-seed")
    redis = create_redis(stack.redis_url)
    try:
        return await products_seed.seed(engine, ProductCaches.create(redis, settings))
    finally:
        await redis.aclose()
        await engine.dispose()


def cmd_dev(args: argparse.Namespace) -> int:
    settings = StackSettings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    print("Starting Gocart...", flush=True)
    stack = Stack(settings)
    migrate(stack)
    added = asyncio.run(seed(stack)) if not args.no_seed else 0
    products_port = free_port(settings.host, settings.products_port)
    products = stack.products_settings(products_port)
    base = f"http://{settings.host}:{products_port}"
    print(
        "\n".join(
            [
                "",
                "Gocart is running. Press Ctrl-C to stop.",
                f"  PostgreSQL  {stack.describe_database()}",
                f"  Redis       {stack.describe_redis()}",
                f"  Demo data   {added} products added" if not args.no_seed else "  Demo data   skipped",
                "",
                f"  Products subgraph  {base}/graphql   (GraphiQL in a browser)",
                f"                     {base}/health  {base}/ready",
                "",
                f"  Admin token for GraphiQL ({DEV_TOKEN_HOURS} h), header  Authorization: Bearer <token>",
                f"  {stack.dev_token(Role.ADMIN, 'dev-admin')}",
                "",
            ]
        ),
        flush=True,
    )
    asyncio.run(
        run_services([Service("products", create_products_app(products), settings.host, products_port)])
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = ProductsSettings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    port = args.port or settings.port
    host = args.host or settings.host
    asyncio.run(run_services([Service(args.subgraph, create_products_app(settings), host, port)]))
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    stack = Stack(StackSettings())
    migrate(stack)
    print("Migrations applied: products")
    return 0


def cmd_seed(_args: argparse.Namespace) -> int:
    stack = Stack(StackSettings())
    migrate(stack)
    print(f"Demo data: {asyncio.run(seed(stack))} products added")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    stack = Stack(StackSettings())
    print(stack.dev_token(Role(args.role), args.subject, hours=args.hours))
    return 0


def cmd_export_schema(args: argparse.Namespace) -> int:
    target = Path(args.out)
    target.mkdir(parents=True, exist_ok=True)
    for name, schema in (("products", create_products_schema()), ("users", create_users_schema())):
        (target / f"{name}.graphql").write_text(export_sdl(schema))
        print(f"Wrote {target / f'{name}.graphql'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gocart", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run the local stack with demo data")
    dev.add_argument("--no-seed", action="store_true", help="do not add the demo data")
    dev.set_defaults(handler=cmd_dev)

    serve = commands.add_parser("serve", help="run one subgraph from its own settings")
    serve.add_argument("subgraph", choices=["products"])
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=cmd_migrate)
    commands.add_parser("seed", help="add the demo data where missing").set_defaults(handler=cmd_seed)

    token = commands.add_parser("token", help="mint a development access token")
    token.add_argument("--role", choices=[str(r) for r in Role], default=str(Role.ADMIN))
    token.add_argument("--subject", default="dev-admin")
    token.add_argument("--hours", type=int, default=DEV_TOKEN_HOURS)
    token.set_defaults(handler=cmd_token)

    export = commands.add_parser("export-schema", help="write each subgraph's SDL to schema/")
    export.add_argument("--out", default=str(SCHEMA_DIR))
    export.set_defaults(handler=cmd_export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        code = 130
    return code


if __name__ == "__main__":
    sys.exit(main())
