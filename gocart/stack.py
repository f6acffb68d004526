"""The local stack `gocart` runs: where its data lives (configured or embedded), its development
secrets (kept in the data folder, never in code), and each service's settings."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from gocart.compose import SUPERGRAPH
from gocart.embedded import EmbeddedServers, start_postgres, start_redis
from gocart.keys import KeyFolder
from gocart.settings import StackSettings
from observability.tracing_settings import TracingSettings
from rest_compat.config import RestSettings
from router.config import CorsSettings, EntityCacheSettings, RouterSettings
from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings

DEV_TOKEN_HOURS = 12
# Every verifier of the dev stack accepts tokens this long-lived, so the admin token `gocart dev` prints
# works all day; deployments keep the default (the access tokens' 15 minutes and one more).
DEV_MAX_TOKEN_LIFETIME_SECONDS = DEV_TOKEN_HOURS * 3600 + 60
DEV_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"


def read_or_create_secret(path: Path) -> str:
    """A random secret kept in `path` (owner-only), created on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(12)
    path.touch(mode=0o600)
    path.write_text(value)
    return value


def traces_folder(settings: StackSettings) -> Path:
    """Where `gocart dev --trace` has each service write its spans (read by `gocart trace ID`)."""
    return (settings.data_dir / "traces").resolve()


@dataclass(frozen=True)
class Ports:
    users: int
    products: int
    orders: int
    router: int
    rest: int


class Stack:
    """The resolved local stack: configured or embedded URLs, dev key and password, services' settings."""

    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.embedded = EmbeddedServers()
        self.database_embedded = settings.database_url is None
        self.redis_embedded = settings.redis_url is None
        # Absolute: the services run in the repository's folder, whatever folder `gocart` runs in.
        self.keys = KeyFolder.open((settings.data_dir / "keys").resolve())
        self.dev_password = read_or_create_secret(settings.data_dir / "dev-password")
        # Every process listens and connects on one host, so the router and the subgraphs cannot tell
        # our REST layer and router from any local client by address: they trust the hop by this secret.
        self.proxy_secret = SecretStr(read_or_create_secret(settings.data_dir / "proxy-secret"))
        # The subgraphs' domain events drop what they change from the router's entity cache with it.
        self.invalidation_secret = SecretStr(read_or_create_secret(settings.data_dir / "invalidation-secret"))

    # The embedded servers start when a command first needs them (`gocart token` never does).
    @cached_property
    def database_url(self) -> str:
        if self.settings.database_url:
            return self.settings.database_url.get_secret_value()
        return start_postgres(self.settings.data_dir, self.embedded)

    @cached_property
    def redis_url(self) -> str:
        if self.settings.redis_url:
            return self.settings.redis_url.get_secret_value()
        return start_redis(self.settings.data_dir, self.embedded)

    @property
    def signing_key(self) -> SigningKey:
        """The key the users subgraph signs with now."""
        return self.keys.signing_key()

    @property
    def admin_credentials(self) -> tuple[str, str]:
        password = (
            self.settings.admin_password.get_secret_value()
            if self.settings.admin_password
            else self.dev_password
        )
        return self.settings.admin_email, password

    @property
    def traces_dir(self) -> Path:
        return traces_folder(self.settings)

    def tracing(self, service: str) -> TracingSettings:
        """A service's tracing: the configured section, and its own spans file when asked to write
        spans to files and no collector is configured."""
        tracing = self.settings.tracing
        if tracing.otlp_endpoint is None and self.settings.trace_to_files:
            tracing = tracing.model_copy(update={"spans_file": self.traces_dir / f"{service}.jsonl"})
        return tracing

    def describe_tracing(self) -> str:
        tracing = self.tracing("router")
        if tracing.otlp_endpoint is not None:
            return f"exported to {tracing.otlp_endpoint} (OTLP/HTTP)"
        if tracing.spans_file is not None:
            return f"spans in {self.traces_dir}; `gocart trace ID` shows one (ID: the x-trace-id header)"
        return "off (gocart dev --trace writes spans to files)"

    def _common(self, service: str, ports: Ports, port: int) -> dict[str, Any]:
        return {
            "router_invalidation_url": f"http://{self.settings.host}:{ports.router}/invalidation",
            "router_invalidation_secret": self.invalidation_secret,
            "tracing": self.tracing(service),
            "host": self.settings.host,
            "port": port,
            "database_url": SecretStr(self.database_url),
            "redis_url": SecretStr(self.redis_url),
            "data_dir": self.settings.data_dir,
            "jwt_issuer": self.settings.jwt_issuer,
            "jwt_audience": self.settings.jwt_audience,
            "migrate_on_startup": False,
            "log_level": self.settings.log_level,
            "log_json": self.settings.log_json,
            "trusted_proxy_secret": self.proxy_secret,  # the router's hop
            "jwt_service_jwks_file": self.keys.service_jwks_path,  # trusted for the `service` role only
            "jwt_max_token_lifetime_seconds": DEV_MAX_TOKEN_LIFETIME_SECONDS,
            "amqp_url": self.settings.amqp_url,  # None: events go to the in-process consumers
        }

    def users_settings(self, ports: Ports | None = None) -> UsersSettings:
        """Users reads its keys from the key folder, and again after `gocart keys rotate`."""
        email, password = self.admin_credentials
        ports = ports or self.default_ports()
        return UsersSettings(
            **self._common("users", ports, ports.users),
            jwt_private_key_file=self.keys.signing_key_path,
            jwt_published_jwks_file=self.keys.published_jwks_path,
            bootstrap_admin_email=email,
            bootstrap_admin_password=SecretStr(password),
        )

    def products_settings(self, ports: Ports | None = None) -> ProductsSettings:
        ports = ports or self.default_ports()
        return ProductsSettings(
            **self._common("products", ports, ports.products), jwt_jwks_url=self._jwks_url(ports)
        )

    def free_ports(self) -> Ports:
        """The configured ports, each moved to the next free one if taken (so a second stack starts too)."""
        from gocart.servers import free_port  # beside uvicorn, which only `gocart dev` needs

        taken: list[int] = []
        preferred = (
            self.settings.users_port,
            self.settings.products_port,
            self.settings.orders_port,
            self.settings.router_port,
            self.settings.rest_port,
        )
        for port in preferred:
            taken.append(free_port(self.settings.host, port, taken=taken))
        return Ports(users=taken[0], products=taken[1], orders=taken[2], router=taken[3], rest=taken[4])

    def orders_settings(self, ports: Ports | None = None) -> OrdersSettings:
        """Orders calls products with a service token signed by its own key, trusted for `service` only."""
        ports = ports or self.default_ports()
        return OrdersSettings(
            **self._common("orders", ports, ports.orders),
            jwt_jwks_url=self._jwks_url(ports),
            products_url=f"http://{self.settings.host}:{ports.products}/graphql",
            service_signing_key_file=self.keys.service_key_path("orders"),
        )

    def default_ports(self) -> Ports:
        return Ports(
            users=self.settings.users_port,
            products=self.settings.products_port,
            orders=self.settings.orders_port,
            router=self.settings.router_port,
            rest=self.settings.rest_port,
        )

    def _jwks_url(self, ports: Ports) -> str:
        from subgraphs.users.main import JWKS_PATH  # the users app: only commands that run it need it

        return f"http://{self.settings.host}:{ports.users}{JWKS_PATH}"

    def router_settings(self, ports: Ports, subgraph_urls: dict[str, str]) -> RouterSettings:
        return RouterSettings(
            supergraph=SUPERGRAPH,
            host=self.settings.host,
            port=ports.router,
            subgraph_urls=subgraph_urls,
            jwt_jwks_url=self._jwks_url(ports),
            jwt_issuer=self.settings.jwt_issuer,
            jwt_audience=self.settings.jwt_audience,
            jwt_max_token_lifetime_seconds=DEV_MAX_TOKEN_LIFETIME_SECONDS,
            # A frontend's dev server on this machine (any port) may call the router from a browser.
            cors=CorsSettings(allow_origin_regex=DEV_ORIGINS),
            expose_query_plan=True,  # GraphiQL's query-plan panel: development only
            redis_url=SecretStr(self.redis_url),  # rate limits shared by every router replica
            entity_cache=EntityCacheSettings(invalidation_secret=self.invalidation_secret),
            trusted_proxy_secret=self.proxy_secret,  # the REST layer's hop
            subgraph_proxy_secret=self.proxy_secret,
            log_level=self.settings.log_level,
            log_json=self.settings.log_json,  # console lines for people unless GOCART_LOG_JSON=true
            tracing=self.tracing("router"),
        )

    def rest_settings(self, ports: Ports) -> RestSettings:
        return RestSettings(
            host=self.settings.host,
            port=ports.rest,
            router_url=f"http://{self.settings.host}:{ports.router}/graphql",
            router_proxy_secret=self.proxy_secret,
            log_level=self.settings.log_level,
            log_json=self.settings.log_json,
            tracing=self.tracing("rest"),
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
        """A token as the users subgraph would sign it; a `service` token as the orders subgraph would."""
        key = self.keys.service_key("orders") if role is Role.SERVICE else self.signing_key
        return key.mint(
            subject=subject,
            role=role,
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            ttl_seconds=hours * 3600,
        )
