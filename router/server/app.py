"""`create_app(settings)`: the router's ASGI application, with its resources opened in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from starlette.applications import Starlette
from starlette.routing import Route

from router.auth import TokenGate
from router.config import RouterSettings
from router.executor import HttpFetcher
from router.gateway import Gateway
from router.limits import OperationLimits
from router.server.routes import graphql, health
from router.supergraph import Supergraph, parse_supergraph


def subgraph_urls(supergraph: Supergraph, settings: RouterSettings) -> dict[str, str]:
    """The URL of each subgraph: the supergraph's, unless settings override it."""
    return {name: settings.subgraph_urls.get(name, graph.url) for name, graph in supergraph.graphs.items()}


def create_app(settings: RouterSettings) -> Starlette:
    """Build the app; the supergraph is read and the connection pool opened when the app starts."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        supergraph = parse_supergraph(settings.supergraph.read_text(encoding="utf-8"))
        timeout = aiohttp.ClientTimeout(total=settings.subgraph_timeout_seconds)
        connector = aiohttp.TCPConnector(limit=settings.max_connections)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            limits = OperationLimits(settings.max_depth, settings.max_aliases, settings.max_root_fields)
            if settings.jwt_jwks_url is not None:
                app.state.token_gate = TokenGate(
                    session,
                    jwks_url=settings.jwt_jwks_url,
                    issuer=settings.jwt_issuer,
                    audience=settings.jwt_audience,
                )
            app.state.gateway = Gateway(
                supergraph,
                HttpFetcher(session),
                subgraph_urls(supergraph, settings),
                settings.plan_cache_size,
                limits,
            )
            yield
            app.state.gateway = None

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.gateway = None
    app.state.token_gate = None
    return app
