"""`create_app(settings)`: the router's ASGI application, with its resources opened in the lifespan."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from observability.instrumentation import trace_redis, trace_requests
from observability.request_context import RequestContext
from observability.tracing import TRACING_OFF, Tracing, start_tracing
from router.auth import TokenGate
from router.config import CorsSettings, RouterSettings
from router.edge.client_address import client_address_middleware
from router.edge.persisted import PersistedQueries
from router.edge.rate_limit import build_rate_limiter
from router.entity_cache import EntityCache
from router.executor import SubgraphFetcher
from router.executor.traffic import TrafficFetcher
from router.gateway import Gateway
from router.limits import OperationLimits
from router.metrics import RouterMetrics
from router.server.graphiql import STATIC_DIRECTORY, STATIC_PATH
from router.server.invalidation import invalidation
from router.server.pipeline import Edge
from router.server.reload import hot_reload, supergraph_digest
from router.server.routes import graphql, health, metrics
from router.supergraph import Supergraph, parse_supergraph

SERVICE_NAME = "gocart-router"

logger = logging.getLogger(__name__)

QUIET_PATHS = ("/health", "/metrics")  # polled by supervisors and Prometheus: logged at debug only
SERVED_PATHS = ("/graphql", "/invalidation")
"""Logged at debug only too when `access_log` is off."""


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


def build_gateway(
    supergraph: Supergraph,
    fetcher: SubgraphFetcher,
    settings: RouterSettings,
    metrics: RouterMetrics | None = None,
    tracing: Tracing = TRACING_OFF,
    entity_cache: EntityCache | None = None,
) -> Gateway:
    """The gateway serving `supergraph`, at startup and on each reload: a fresh planner and plan cache,
    the subgraph URLs of this supergraph (as overridden by settings), and the shared fetcher."""
    return Gateway(
        supergraph,
        fetcher,
        subgraph_urls(supergraph, settings),
        settings.plan_cache_size,
        operation_limits(settings),
        progressive_override=settings.progressive_override,
        on_plan_cache=metrics.count_plan_cache if metrics is not None else None,
        tracing=tracing,
        entity_cache=entity_cache,
    )


def build_entity_cache(
    settings: RouterSettings, metrics: RouterMetrics, redis: Redis | None, tracing: Tracing
) -> EntityCache | None:
    """The entity cache when enabled; it lives in Redis, so without `redis_url` there is none (logged).
    Without an invalidation secret only mutations answered through the router drop what they change
    (the subgraphs' domain events cannot reach it): that is logged as a warning."""
    if not settings.entity_cache.enabled:
        return None
    if redis is None:
        logger.info("the entity cache needs redis_url; it is off")
        return None
    if settings.entity_cache.invalidation_secret is None:
        logger.warning(
            "the entity cache is on without entity_cache.invalidation_secret: changes the subgraphs make "
            "outside mutations through this router are served stale until their entries expire"
        )
    return EntityCache(
        redis,
        settings.redis_namespace,
        metrics,
        max_ttl_seconds=settings.entity_cache.max_ttl_seconds,
        tracer=tracing.tracer,
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
    """Build the app; the supergraph is read and the connection pool opened when the app starts.

    Raises `RouterError` for settings that cannot work (a persisted-query manifest that cannot be read).
    """
    router_metrics = RouterMetrics(max_operation_names=settings.metrics.max_operation_names)
    persisted_queries = PersistedQueries.from_settings(settings, router_metrics)  # reads the manifest
    edge = Edge(settings, router_metrics, persisted_queries)
    tracing = start_tracing(settings.tracing, SERVICE_NAME)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        source = settings.supergraph.read_bytes()
        supergraph = parse_supergraph(source.decode("utf-8"))
        if settings.redis_url is not None:
            edge.redis = Redis.from_url(
                settings.redis_url.get_secret_value(), socket_timeout=0.5, socket_connect_timeout=0.5
            )
            trace_redis(edge.redis, tracing)
        edge.rate_limiter = build_rate_limiter(settings, edge.metrics, edge.redis)
        edge.entity_cache = build_entity_cache(settings, edge.metrics, edge.redis, tracing)
        traffic = TrafficFetcher(
            settings.traffic_shaping,
            edge.metrics,
            supergraph.graphs,
            tracer_provider=tracing.provider,
        )
        # The JWKS fetches' session keeps no cookies, as subgraph fetches keep none: a cookie kept from one
        # answer would be sent with the next caller's request.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session, traffic:
            if settings.jwt_jwks_url is not None:
                edge.token_gate = TokenGate(
                    session,
                    jwks_url=settings.jwt_jwks_url,
                    issuer=settings.jwt_issuer,
                    audience=settings.jwt_audience,
                    accepted_roles=settings.jwt_accepted_roles,
                    max_lifetime_seconds=settings.jwt_max_token_lifetime_seconds,
                )
            app.state.traffic = traffic
            app.state.gateway = build_gateway(
                supergraph, traffic, settings, edge.metrics, tracing, edge.entity_cache
            )
            app.state.supergraph_sha256 = supergraph_digest(source)
            # A reloaded supergraph keeps the traffic fetcher: its pools, breakers and batch limits.
            rebuild = functools.partial(
                build_gateway,
                fetcher=traffic,
                settings=settings,
                metrics=edge.metrics,
                tracing=tracing,
                entity_cache=edge.entity_cache,
            )
            async with hot_reload(app, settings, edge.metrics, rebuild):
                yield
            app.state.gateway = None
            app.state.traffic = None
        edge.entity_cache = None
        if edge.redis is not None:
            await edge.redis.aclose()
            edge.redis = None
        tracing.shutdown()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/invalidation", invalidation, methods=["POST"]),
            Route("/metrics", metrics, methods=["GET"]),
            Mount(STATIC_PATH, StaticFiles(directory=STATIC_DIRECTORY), name="graphiql-assets"),
        ],
        middleware=[
            # Outermost: every answer gets its request id and access line, refusals included.
            Middleware(
                RequestContext,
                logger_name="router.access",
                quiet_paths=QUIET_PATHS if settings.access_log else (*QUIET_PATHS, *SERVED_PATHS),
            ),
            *client_address_middleware(settings.trusted_proxies, settings.trusted_proxy_secret),
            cors_middleware(settings.cors),
        ],
        lifespan=lifespan,
    )
    trace_requests(app, tracing)  # outermost: the request's span encloses every other middleware
    app.state.settings = settings
    app.state.edge = edge
    app.state.gateway = None
    app.state.traffic = None
    app.state.supergraph_sha256 = None
    app.state.reloader = None
    return app
