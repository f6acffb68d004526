"""The app factory every subgraph's `create_app(settings)` calls.

It owns the process-wide resources (engine, Redis, token verifier) through the app's lifespan, runs
migrations on start-up when asked, and serves `/graphql`, `/health` (alive), `/ready` (database and
Redis reachable) and `/metrics` (Prometheus). A subgraph adds resources of its own (`lifespan`, entered
after the shared ones and left before them) and routes (on the returned app).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any, TypeVar

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError
from sqlalchemy import text
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from observability.instrumentation import trace_engine, trace_redis, trace_requests
from observability.tracing import start_tracing
from subgraphs.common.auth import Caller, KeySource
from subgraphs.common.cache_control import CachePolicyTable, restricted_header
from subgraphs.common.client_address import resolve_client_addresses
from subgraphs.common.context import AppResources, SubgraphContext, verifier_from_settings
from subgraphs.common.db import create_engine, create_reading_session_factory, create_session_factory
from subgraphs.common.event_relay import RelayMetrics
from subgraphs.common.event_runtime import EventSetup, run_events
from subgraphs.common.events import recording_events
from subgraphs.common.logging import RequestContextMiddleware, request_id_from
from subgraphs.common.metrics import MetricsMiddleware, SubgraphMetrics
from subgraphs.common.migrations import MigrationSource, upgrade_async
from subgraphs.common.redis import create_redis
from subgraphs.common.router_notifier import invalidations_for
from subgraphs.common.settings import SubgraphSettings

C = TypeVar("C", bound=SubgraphContext)
ContextFactory = Callable[[AppResources, Request], C]
LifespanHook = Callable[[FastAPI, AppResources], AbstractAsyncContextManager[None]]

log = structlog.get_logger(__name__)


class SubgraphGraphQL(GraphQL[Any, None]):
    """Strawberry's ASGI view, served as a plain route: no FastAPI dependency solving per request, and
    bodies read and written by orjson (several times faster than json on a page of results).

    The request's context (its caller verified first) is made here, and its database session is
    given back to the pool once the answer has been sent. With a `cache_policy`, every answer carries
    the `Cache-Control` it computes (subgraphs/common/cache_control.py). An answer whose operation
    appended domain events names the entities they changed in `extensions.invalidation`, the request
    shape of the router's invalidation API, so the router drops them from its entity cache before it
    answers the mutation (`subgraph`: the name the router knows this subgraph by)."""

    def __init__(
        self,
        schema: BaseSchema,
        context_factory: ContextFactory[C],
        cache_policy: CachePolicyTable | None = None,
        subgraph: str | None = None,
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self._context_factory = context_factory
        self._cache_policy = cache_policy
        self._subgraph = subgraph

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)  # its JSONDecodeError is json's, so a bad body is still a 400

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def get_context(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket,  # noqa: ARG002  (Strawberry passes it by name)
    ) -> Any:
        resources: AppResources = request.app.state.resources
        request.state.caller = await resources.verifier.caller_from_header(
            request.headers.get("authorization")
        )
        context = self._context_factory(resources, request)  # type: ignore[arg-type]
        request.state.graphql_context = context
        return context

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,  # Strawberry's adapter (its type lives in a dependency of Strawberry)
        sub_response: Response,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        with recording_events() as appended:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        if self._subgraph is not None and appended:
            named = [
                item
                for event in appended
                for item in invalidations_for(self._subgraph, event.type, event.aggregate_id)
            ]
            invalidation = [item for index, item in enumerate(named) if item not in named[:index]]
            if invalidation:
                result.extensions = {**(result.extensions or {}), "invalidation": invalidation}
        if self._cache_policy is not None:
            hint = self._cache_policy.hint(request_data.query, context.caller, failed=bool(result.errors))
            existing = sub_response.headers.get("cache-control")
            sub_response.headers["cache-control"] = restricted_header(existing, hint)
        return result

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            context: SubgraphContext | None = scope.get("state", {}).get("graphql_context")
            if context is not None:
                await context.db.close()


def base_context_kwargs(resources: AppResources, request: Request) -> dict[str, Any]:
    """The arguments of `SubgraphContext` taken from a request (for subclasses' factories)."""
    caller: Caller = request.state.caller
    return {
        "resources": resources,
        "caller": caller,
        "request_id": getattr(request.state, "request_id", None) or request_id_from(None),
    }


def create_subgraph_app(
    *,
    name: str,
    settings: SubgraphSettings,
    schema: BaseSchema,
    context_factory: ContextFactory[C],
    migrations: MigrationSource | None = None,
    server_settings: Mapping[str, str] | None = None,
    lifespan: LifespanHook | None = None,
    key_source: KeySource | None = None,
    events: EventSetup | None = None,
    cache_policy: CachePolicyTable | None = None,
) -> FastAPI:
    """A FastAPI app serving one subgraph's schema with the shared plumbing around it.

    `key_source` replaces the configured JWKS (the users subgraph verifies with its own keys); `events`
    runs the outbox relay and the subgraph's event consumers (docs/events.md); `cache_policy` gives
    every answer its `Cache-Control` (subgraphs/common/cache_control.py)."""

    @asynccontextmanager
    async def shared_lifespan(app: FastAPI) -> AsyncIterator[None]:
        database_url = settings.require_database_url()
        if migrations is not None and settings.migrate_on_startup:
            await upgrade_async(database_url, migrations)
        engine = create_engine(
            database_url,
            pool_size=settings.db_pool_size,
            application_name=f"gocart-{name}",
            server_settings=server_settings,
            connect_timeout_seconds=settings.db_connect_timeout_seconds,
            pool_timeout_seconds=settings.db_pool_timeout_seconds,
            ping_idle_seconds=settings.db_ping_idle_seconds,
            recycle_seconds=settings.db_recycle_seconds,
        )
        redis = create_redis(settings.require_redis_url())
        trace_engine(engine, tracing)
        trace_redis(redis, tracing)
        resources = AppResources(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            reading_sessions=create_reading_session_factory(engine),
            redis=redis,
            verifier=verifier_from_settings(
                settings, redis, key_source, unknown_revocations=metrics.unknown_revocations
            ),
            metrics=metrics,
            tracing=tracing,
        )
        app.state.resources = resources
        metrics.count_sql(engine)
        try:
            async with (
                run_events(subgraph=name, resources=resources, setup=events, metrics=event_metrics)
                if events is not None
                else nullcontext()
            ) as relay:
                app.state.event_relay = relay
                async with lifespan(app, resources) if lifespan is not None else nullcontext():
                    log.info("subgraph.started", subgraph=name)
                    yield
                    stopping = time.monotonic()
                    log.info("subgraph.stopping", subgraph=name)
        finally:
            await resources.verifier.aclose()
            await redis.aclose()
            await engine.dispose()
            tracing.shutdown()
        log.info("subgraph.stopped", subgraph=name, seconds=round(time.monotonic() - stopping, 3))

    app = FastAPI(title=f"Gocart {name} subgraph", lifespan=shared_lifespan, docs_url=None, redoc_url=None)
    metrics = SubgraphMetrics()
    tracing = start_tracing(settings.tracing, f"gocart-{name}")
    app.state.metrics = metrics
    # Registered once per app: its lifespan may run more than once (a server restarted in place).
    event_metrics = RelayMetrics(metrics.registry) if events is not None else None
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestContextMiddleware)
    resolve_client_addresses(app, settings)
    trace_requests(app, tracing)  # outermost: the request's span encloses every other middleware
    app.router.routes.append(
        Route(
            "/graphql",
            SubgraphGraphQL(schema, context_factory, cache_policy, subgraph=name),
            methods=["GET", "POST"],
        )
    )

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        body, media_type = metrics.exposition()
        return Response(body, media_type=media_type)

    @app.get("/ready", include_in_schema=False)
    async def ready(request: Request) -> JSONResponse:
        resources: AppResources = request.app.state.resources
        checks = {"database": "ok", "redis": "ok"}
        try:
            async with resources.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # whatever fails the check, the subgraph cannot serve: not ready
            checks["database"] = "unavailable"
            log.warning("ready.database_unavailable", error=f"{type(error).__name__}: {error}")
        try:
            await resources.redis.ping()
        except (RedisError, OSError) as error:
            checks["redis"] = f"unreachable: {type(error).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        body = {"status": "ready" if healthy else "unavailable", **checks}
        return JSONResponse(body, status_code=200 if healthy else 503)

    return app
