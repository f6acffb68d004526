"""The whole supergraph as real processes: the three subgraphs and the router, each its own uvicorn
server on its own port, talking real HTTP, on a given PostgreSQL database and Redis namespace.

As in `gocart dev`, everything runs on 127.0.0.1, so the router believes the REST layer's hop, and the
subgraphs the router's, by a proxy secret (fresh for each stack), never by address. Keys come from a
key folder of the stack's own, as in `gocart dev`: the users subgraph signs with `key` (and reads the
folder again after a rotation), the orders subgraph with `service_key`, its own.

Unlike `gocart dev`, the stack is not supervised (nothing runs `Supervisor.wait`): a service that crashes
in a test stays down, so the crash shows in the tests, and outage tests decide when a stopped service
returns (`stop_service`, `restart_service`)."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from gocart.compose import SUPERGRAPH
from gocart.keys import KeyFolder
from gocart.processes import Supervisor, base_url, rest_process, router_process, subgraph_process
from observability.tracing_settings import TracingSettings
from rest_compat.config import RestSettings
from router.config import EntityCacheSettings, RateLimitSettings, RouterSettings
from subgraphs.common.settings import SubgraphSettings
from subgraphs.common.signing import SigningKey
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import JWKS_PATH
from testbed.ports import unused_port
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
ISSUER, AUDIENCE = "gocart-users", "gocart"
# Tests sign in many times from 127.0.0.1; the per-address limit is tested in-process, not here.
GENEROUS = 1_000_000
# Every e2e and REST test reaches the router from 127.0.0.1: rate limits are tested in tests/router/edge.
GENEROUS_RATE_LIMIT = RateLimitSettings(
    per_address_burst=GENEROUS,
    per_address_per_second=GENEROUS,
    per_subject_burst=GENEROUS,
    per_subject_per_second=GENEROUS,
)


@dataclass(frozen=True)
class Stack:
    supervisor: Supervisor
    urls: dict[str, str]
    proxy_secret: SecretStr  # what the REST layer sends the router
    keys: KeyFolder

    def graphql_url(self, service: str = "router") -> str:
        return f"{self.urls[service]}/graphql"


@contextmanager
def running_stack(
    *,
    database_url: str,
    redis_url: str,
    namespace: str,
    key: SigningKey,
    service_key: SigningKey | None = None,
    key_reload_seconds: float = 10,
    log_dir: Path | None = None,
    rest: bool = False,
    tracing: TracingSettings | None = None,
    relay_events: bool = False,
) -> Iterator[Stack]:
    """`tracing`, when given, is every service's tracing section (each names its spans itself)."""
    with tempfile.TemporaryDirectory(prefix="gocart-keys-") as folder:
        service_keys = {"orders": service_key} if service_key is not None else None
        keys = KeyFolder.open(Path(folder), signing_key=key, service_keys=service_keys)
        with running_stack_on_keys(
            database_url=database_url,
            redis_url=redis_url,
            namespace=namespace,
            keys=keys,
            key_reload_seconds=key_reload_seconds,
            log_dir=log_dir,
            rest=rest,
            tracing=tracing,
            relay_events=relay_events,
        ) as stack:
            yield stack


@contextmanager
def running_stack_on_keys(
    *,
    database_url: str,
    redis_url: str,
    namespace: str,
    keys: KeyFolder,
    key_reload_seconds: float = 10,
    log_dir: Path | None = None,
    rest: bool = False,
    tracing: TracingSettings | None = None,
    relay_events: bool = False,
) -> Iterator[Stack]:
    """The stack on a key folder of the caller's (the users subgraph reads it again when it changes).

    With `log_dir`, every service logs JSON lines at INFO to `log_dir/NAME.log` (else WARNING, to this
    process's output); with `rest`, the REST layer runs in front of the router too. With
    `relay_events`, the subgraphs relay their outboxes to their own consumers (the router's entity
    cache invalidated from domain events among them): only on a database of the stack's own."""
    log_level = "INFO" if log_dir is not None else "WARNING"
    ports: dict[str, int] = {}
    for name in ("users", "products", "orders", "router", "rest"):
        # Ports the system picks, so stacks of test sessions running side by side do not collide.
        while (port := unused_port()) in ports.values():
            pass
        ports[name] = port
    proxy_secret = SecretStr(secrets.token_urlsafe(32))
    invalidation_secret = SecretStr(secrets.token_urlsafe(32))
    common: dict[str, Any] = {
        "host": HOST,
        "database_url": SecretStr(database_url),
        "redis_url": SecretStr(redis_url),
        "cache_namespace": namespace,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "log_level": log_level,
        "log_json": True,
        "trusted_proxy_secret": proxy_secret,
        "jwt_service_jwks_file": keys.service_jwks_path,
        "tracing": tracing or TracingSettings(),
        # The stack shares the session's database with the events tests, which relay its outboxes
        # themselves and count what arrives: a stack relaying too would take their events.
        "event_relay_interval_seconds": 0.1 if relay_events else 0,
        "router_invalidation_url": f"http://{HOST}:{ports['router']}/invalidation",
        "router_invalidation_secret": invalidation_secret,
    }
    jwks_url = f"http://{HOST}:{ports['users']}{JWKS_PATH}"
    subgraphs: dict[str, SubgraphSettings] = {
        "users": UsersSettings(
            **common,
            port=ports["users"],
            jwt_private_key_file=keys.signing_key_path,
            jwt_published_jwks_file=keys.published_jwks_path,
            jwt_key_reload_seconds=key_reload_seconds,
            bootstrap_admin_email=BOOTSTRAP_ADMIN[0],
            bootstrap_admin_password=SecretStr(BOOTSTRAP_ADMIN[1]),
            login_max_failures_per_address=GENEROUS,
        ),
        "products": ProductsSettings(
            **common,
            port=ports["products"],
            jwt_jwks_url=jwks_url,
            # No expiry sweeps: the expiry tests expire reservations in the same database and
            # count what their own workers release; this sweeper could release one first.
            reservation_sweep_interval_seconds=0,
        ),
        "orders": OrdersSettings(
            **common,
            port=ports["orders"],
            jwt_jwks_url=jwks_url,
            products_url=f"http://{HOST}:{ports['products']}/graphql",
            service_signing_key_file=keys.service_key_path("orders"),
            products_timeout_seconds=2.0,
            breaker_reset_seconds=1.0,
            # Nor deliver webhooks: the webhook tests register endpoints in the same database and
            # count what their own worker sends; a second worker here could claim a delivery first.
            webhook_interval_seconds=0,
        ),
    }
    urls = {name: base_url(settings) for name, settings in subgraphs.items()}
    router = RouterSettings(
        supergraph=SUPERGRAPH,
        host=HOST,
        port=ports["router"],
        subgraph_urls={name: f"{url}/graphql" for name, url in urls.items()},
        jwt_jwks_url=jwks_url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        expose_query_plan=True,  # GraphiQL's query-plan panel, as in gocart dev
        redis_url=SecretStr(redis_url),
        redis_namespace=namespace,
        entity_cache=EntityCacheSettings(invalidation_secret=invalidation_secret),
        rate_limit=GENEROUS_RATE_LIMIT,
        trusted_proxy_secret=proxy_secret,
        subgraph_proxy_secret=proxy_secret,
        log_level=log_level,
        tracing=tracing or TracingSettings(),
    )
    urls["router"] = base_url(router)
    specs = [subgraph_process(name, settings) for name, settings in subgraphs.items()]
    specs.append(router_process(router))
    if rest:
        rest_settings = RestSettings(
            host=HOST,
            port=ports["rest"],
            router_url=f"{urls['router']}/graphql",
            router_proxy_secret=proxy_secret,
            log_level=log_level,
        )
        urls["rest"] = base_url(rest_settings)
        specs.append(rest_process(rest_settings))
    supervisor = Supervisor(specs, cwd=ROOT, log_dir=log_dir)
    supervisor.start()
    try:
        supervisor.wait_until_ready()
        yield Stack(supervisor, urls, proxy_secret, keys)
    finally:
        supervisor.stop()
