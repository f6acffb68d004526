"""`create_app(settings)`: the users subgraph as an ASGI app, with its JWKS and the bootstrap admin.

The users subgraph signs access tokens; its public keys (the signing key, the previous and the next one)
are served at `/.well-known/jwks.json`, which every other subgraph and the router read (cached) to
verify them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client import Counter
from redis.asyncio import Redis

from subgraphs.common.app import base_context_kwargs, create_subgraph_app
from subgraphs.common.context import AppResources
from subgraphs.common.event_runtime import EventSetup
from subgraphs.common.migrations import MigrationSource
from subgraphs.common.revocations import RevocationList
from subgraphs.common.tasks import stop_tasks
from subgraphs.users import accounts
from subgraphs.users.cache_control import USERS_CACHE_POLICY
from subgraphs.users.config import UsersSettings
from subgraphs.users.consumers import user_consumers
from subgraphs.users.context import UsersContext, client_address
from subgraphs.users.deps import Security
from subgraphs.users.keys import UsersKeys
from subgraphs.users.models import EVENTS, SCHEMA
from subgraphs.users.passwords import Passwords
from subgraphs.users.revocations import SessionRevocations
from subgraphs.users.schema import create_schema
from subgraphs.users.throttle import LoginThrottle, LoginThrottleMetrics, RedisCounters, ThrottleRules
from subgraphs.users.tokens import AccessTokenIssuer

MIGRATIONS = MigrationSource(script_location=Path(__file__).parent / "migrations", schema=SCHEMA)
JWKS_PATH = "/.well-known/jwks.json"

log = structlog.get_logger(__name__)


def login_throttle_from_settings(
    settings: UsersSettings, redis: Redis, metrics: LoginThrottleMetrics
) -> LoginThrottle:
    """The sign-in throttle: counts in Redis, in process while Redis is unreachable."""
    rules = ThrottleRules(
        failures_before_delay=settings.login_failures_before_delay,
        first_delay_seconds=settings.login_first_delay_seconds,
        max_delay_seconds=settings.login_max_delay_seconds,
        max_failures_per_address=settings.login_max_failures_per_address,
        window_seconds=settings.login_failure_window_seconds,
    )
    return LoginThrottle(
        rules,
        shared=RedisCounters(redis, rules, namespace=settings.cache_namespace),
        metrics=metrics,
        redis_retry_seconds=settings.login_redis_retry_seconds,
    )


def create_app(settings: UsersSettings) -> FastAPI:
    if settings.access_token_ttl_seconds > settings.jwt_max_token_lifetime_seconds:
        raise ValueError(
            "GOCART_USERS_ACCESS_TOKEN_TTL_SECONDS exceeds JWT_MAX_TOKEN_LIFETIME_SECONDS: "
            "the tokens it issues would be refused."
        )
    keys = UsersKeys.from_settings(settings)
    own_keys = settings.jwt_jwks is None and settings.jwt_jwks_file is None and settings.jwt_jwks_url is None
    passwords = Passwords(time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib)
    tokens = AccessTokenIssuer(
        keys.signing_key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.access_token_ttl_seconds,
    )

    def security_for(throttle: LoginThrottle, revocations: SessionRevocations) -> Security:
        return Security(
            passwords=passwords,
            tokens=tokens,
            throttle=throttle,
            revocations=revocations,
            refresh_ttl_seconds=settings.refresh_token_ttl_seconds,
        )

    def context_factory(resources: AppResources, request: Request) -> UsersContext:
        return UsersContext(
            **base_context_kwargs(resources, request),
            security=security_for(request.app.state.login_throttle, request.app.state.session_revocations),
            client_address=client_address(request),
        )

    @asynccontextmanager
    async def start_users(app: FastAPI, resources: AppResources) -> AsyncIterator[None]:
        """One sign-in throttle for the app's life (its in-process counts outlive requests), the admin
        named by settings, and the revoked-session set rebuilt, all before serving."""
        app.state.login_throttle = login_throttle_from_settings(settings, resources.redis, throttle_metrics)
        await bootstrap_admin(resources)
        async with publishing_revocations(app, resources):
            yield

    async def bootstrap_admin(resources: AppResources) -> None:
        """Create the admin named by settings when it is missing, before serving."""
        email, password = settings.bootstrap_admin_email, settings.bootstrap_admin_password
        if email is not None and password is not None:
            async with resources.sessions() as session:
                created = await accounts.ensure_admin(
                    session=session, passwords=passwords, email=email, password=password.get_secret_value()
                )
            if created is not None:
                log.info("users.bootstrap_admin_created", email=created.email)

    @asynccontextmanager
    async def publishing_revocations(app: FastAPI, resources: AppResources) -> AsyncIterator[None]:
        """Rebuild the revoked-session set in Redis before serving, then keep it complete meanwhile."""
        revocations = SessionRevocations(
            RevocationList(resources.redis, namespace=settings.cache_namespace),
            sessions=resources.sessions,
            access_token_ttl_seconds=settings.access_token_ttl_seconds,
            full_rebuild_seconds=settings.revocation_full_rebuild_seconds,
            rebuilds=rebuilds,
        )
        app.state.session_revocations = revocations
        await revocations.rebuild()
        task = asyncio.create_task(
            revocations.run(interval_seconds=settings.revocation_sync_interval_seconds),
            name="users-revocation-sync",
        )
        try:
            yield
        finally:
            await stop_tasks(task)

    app = create_subgraph_app(
        name="users",
        settings=settings,
        schema=create_schema(
            document_cache_size=settings.graphql_document_cache_size,
            max_representations=settings.max_representations,
        ),
        context_factory=context_factory,
        migrations=MIGRATIONS,
        lifespan=start_users,
        key_source=keys if own_keys else None,  # verify our own tokens, through a rotation too
        events=EventSetup(tables=EVENTS, consumers=user_consumers),
        cache_policy=USERS_CACHE_POLICY,
    )
    rebuilds = Counter(
        "gocart_revocation_rebuilds",
        "Rebuilds of the revoked-session set in Redis from PostgreSQL, by outcome (ok, failed).",
        ["outcome"],
        registry=app.state.metrics.registry,
    )
    throttle_metrics = LoginThrottleMetrics(app.state.metrics.registry)

    @app.get(JWKS_PATH, include_in_schema=False)
    async def serve_jwks() -> JSONResponse:
        return JSONResponse(content=dict(keys.jwks()), headers={"Cache-Control": "public, max-age=300"})

    return app
