"""`create_app(settings)`: the users subgraph as an ASGI app, with its JWKS and the bootstrap admin.

The users subgraph signs access tokens; its public keys (the signing key, the previous and the next one)
are served at `/.well-known/jwks.json`, which every other subgraph and the router read (cached) to
verify them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from subgraphs.common.app import base_context_kwargs, create_subgraph_app
from subgraphs.common.auth import RevocationList
from subgraphs.common.context import AppResources
from subgraphs.common.migrations import MigrationSource
from subgraphs.users import service
from subgraphs.users.config import UsersSettings
from subgraphs.users.context import UsersContext, client_address
from subgraphs.users.keys import UsersKeys
from subgraphs.users.models import SCHEMA
from subgraphs.users.passwords import Passwords
from subgraphs.users.schema import create_schema
from subgraphs.users.throttle import LoginThrottle
from subgraphs.users.tokens import AccessTokenIssuer

MIGRATIONS = MigrationSource(script_location=Path(__file__).parent / "migrations", schema=SCHEMA)
JWKS_PATH = "/.well-known/jwks.json"

log = structlog.get_logger(__name__)


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

    def security_for(resources: AppResources) -> service.Security:
        return service.Security(
            passwords=passwords,
            tokens=tokens,
            throttle=LoginThrottle(
                resources.redis,
                namespace=settings.cache_namespace,
                per_account=settings.login_max_failures_per_account,
                per_address=settings.login_max_failures_per_address,
                window_seconds=settings.login_failure_window_seconds,
            ),
            revocations=RevocationList(resources.redis, namespace=settings.cache_namespace),
            refresh_ttl_seconds=settings.refresh_token_ttl_seconds,
        )

    def context_factory(resources: AppResources, request: Request) -> UsersContext:
        return UsersContext(
            **base_context_kwargs(resources, request),
            security=security_for(resources),
            client_address=client_address(request),
        )

    @asynccontextmanager
    async def bootstrap_admin(_app: FastAPI, resources: AppResources) -> AsyncIterator[None]:
        """Create the admin named by settings when it is missing, before serving."""
        email, password = settings.bootstrap_admin_email, settings.bootstrap_admin_password
        if email is not None and password is not None:
            async with resources.sessions() as session:
                created = await service.ensure_admin(
                    session=session, passwords=passwords, email=email, password=password.get_secret_value()
                )
            if created is not None:
                log.info("users.bootstrap_admin_created", email=created.email)
        yield

    app = create_subgraph_app(
        name="users",
        settings=settings,
        schema=create_schema(document_cache_size=settings.graphql_document_cache_size),
        context_factory=context_factory,
        migrations=MIGRATIONS,
        lifespan=bootstrap_admin,
        key_source=keys if own_keys else None,  # verify our own tokens, through a rotation too
    )

    @app.get(JWKS_PATH, include_in_schema=False)
    async def serve_jwks() -> JSONResponse:
        return JSONResponse(content=dict(keys.jwks()), headers={"Cache-Control": "public, max-age=300"})

    return app
