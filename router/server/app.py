"""`create_app(settings)`: the router's ASGI application, with its resources opened in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route

from router.auth import TokenGate
from router.config import CorsSettings, RouterSettings
from router.edge.client_address import client_address_middleware
from router.executor import HttpFetcher
from router.gateway import Gateway
from router.limits import OperationLimits
from router.metrics import RouterMetrics
from router.server.pipeline import Edge
from router.server.routes import graphql, health, metrics
from router.supergraph import Supergraph, parse_supergraph


def subgraph_urls(supergraph: Supergraph, settings: RouterSettings) -> dict[str, str]:
    """The URL of each subgraph: the supergraph's, unless settings override it."""
    return {name: settings.subgraph_urls.get(name, graph.url) for name, graph in supergraph.graphs.items()}


def operation_limits(settings: RouterSettings) -> OperationLimits:
    limits = settings.limits
    return OperationLimits(
        max_depth=limits.max_depth,
        max_aliases=limits.max_aliases,
        max_root_fields=limits.max_root_fields,
        max_tokens=limits.max_tokens,
        max_operation_characters=limits.max_operation_characters,
    )


def cors_middleware(cors: CorsSettings) -> Middleware:
    """Starlette's CORS middleware: answers preflights, and adds no CORS header for other origins."""
    return Middleware(
        CORSMiddleware,
        allow_origins=list(cors.allow_origins),
        allow_origin_regex=cors.allow_origin_regex,
        allow_credentials=cors.allow_credentials,
        allow_methods=["GET", "POST"],
        allow_headers=list(cors.allow_headers),
        expose_headers=list(cors.expose_headers),
        max_age=cors.max_age_seconds,
    )


def create_app(settings: RouterSettings) -> Starlette:
    """Build the app; the supergraph is read and the connection pool opened when the app starts."""
    edge = Edge(settings, RouterMetrics())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        supergraph = parse_supergraph(settings.supergraph.read_text(encoding="utf-8"))
        traffic = settings.traffic_shaping.all
        timeout = aiohttp.ClientTimeout(total=traffic.timeout_seconds)
        connector = aiohttp.TCPConnector(limit=traffic.pool_size)
        if settings.redis_url is not None:
            edge.redis = Redis.from_url(
                settings.redis_url.get_secret_value(), socket_timeout=0.5, socket_connect_timeout=0.5
            )
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            if settings.jwt_jwks_url is not None:
                edge.token_gate = TokenGate(
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
                operation_limits(settings),
            )
            yield
            app.state.gateway = None
        if edge.redis is not None:
            await edge.redis.aclose()
            edge.redis = None

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        middleware=[
            *client_address_middleware(settings.trusted_proxies, settings.trusted_proxy_secret),
            cors_middleware(settings.cors),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.edge = edge
    app.state.gateway = None
    return app
