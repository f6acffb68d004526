"""The edge pipeline every GraphQL request passes, in order, each stage a small function of its own:

    CSRF -> content type -> body size -> client address -> access token -> rate limit -> envelope
    (one operation or a batch) -> per operation: persisted query -> parse/validate/plan/limits (cached)
    -> variables -> demand control -> execute

A stage refuses by raising a `RequestError` (with its `extensions.code`, HTTP status and headers); nothing
after it runs, so no refused request reaches a subgraph.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from starlette.requests import Request

from observability.request_context import REQUEST_ID_HEADER, bind_request, request_id_of
from router.auth import TokenGate
from router.config import RouterSettings
from router.demand import CostEstimates, enforce_budget, record_actual_cost
from router.edge.body import read_body
from router.edge.client_address import PROXY_SECRET_HEADER
from router.edge.csrf import check_csrf, check_post_content_type
from router.edge.envelope import Envelope, from_body, from_query_parameters
from router.edge.persisted import PersistedQueries
from router.edge.rate_limit import RateLimiter
from router.entity_cache import CachePolicy, CacheScope, EntityCache, scope_of
from router.errors import BadRequest, MethodNotAllowed, RequestError
from router.gateway import Gateway, GraphQLRequest, PreparedOperation
from router.metrics import RouterMetrics


@dataclass(slots=True)
class Edge:
    """The stages' long-lived state, built once per app from the settings."""

    settings: RouterSettings
    metrics: RouterMetrics
    persisted_queries: PersistedQueries
    token_gate: TokenGate | None = None
    redis: Redis | None = None
    rate_limiter: RateLimiter | None = None
    entity_cache: EntityCache | None = None
    cost_estimates: CostEstimates = field(default_factory=CostEstimates)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent the request, as far as the edge can tell."""

    address: str
    subject: str | None
    role: str | None = None  # the verified token's role (None without a token gate or a token)
    signed_in: bool = False  # the request carried credentials, verified or not

    @property
    def cache_scope(self) -> CacheScope:
        """Which entity cache entries the caller may read and write (router/entity_cache/scope.py)."""
        return scope_of(signed_in=self.signed_in, subject=self.subject, role=self.role)


@dataclass(slots=True)
class Admitted:
    """A request that passed the HTTP-level stages."""

    method: str
    caller: Caller
    envelope: Envelope
    forwarded: dict[str, str] = field(default_factory=dict)
    override_header: str | None = None  # the progressive-override labels header, as sent


@dataclass(slots=True)
class Answer:
    """One operation's response body, with the HTTP status and headers it would have alone."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    prepared: PreparedOperation | None = None
    estimated_cost: int | None = None
    cache_policy: CachePolicy | None = None  # of everything the answer was made of (HTTP caching)


def client_address(request: Request) -> str:
    """The client's address: the ASGI scope's `client`, already resolved behind trusted proxies
    (router/edge/client_address.py)."""
    return request.client.host if request.client else "unknown"


async def admit(request: Request, edge: Edge) -> Admitted:
    """Run the HTTP-level stages; raises `RequestError` for the first one that refuses."""
    settings = edge.settings
    if settings.csrf.enabled:
        check_csrf(request.headers, settings.csrf.required_headers)
    if request.method == "POST":
        check_post_content_type(request.headers)
    address = client_address(request)
    authorization = request.headers.get("authorization")
    identity = await edge.token_gate.identity(authorization) if edge.token_gate else None
    subject = identity.subject if identity is not None else None
    caller = Caller(address, subject, identity.role if identity else None, signed_in=bool(authorization))
    bind_request(subject=subject)
    if edge.rate_limiter is not None:
        await edge.rate_limiter.admit(caller.address, caller.subject)
    if request.method == "GET":
        envelope = from_query_parameters(request.query_params)
    else:
        body = await read_body(request, settings.limits.max_request_bytes)
        envelope = from_body(body, settings.limits.max_batch_size)
    forwarded = {
        name: value for name in settings.forward_headers if (value := request.headers.get(name)) is not None
    }
    # Subgraphs that trust the router take the last hop: the client address as the router resolved it.
    forwarded["x-forwarded-for"] = address
    request_id = request_id_of(request.scope)
    if request_id is not None:  # the id the request is logged under: the client's if sane, else a new one
        forwarded[REQUEST_ID_HEADER] = request_id
    if settings.subgraph_proxy_secret is not None:
        forwarded[PROXY_SECRET_HEADER] = settings.subgraph_proxy_secret.get_secret_value()
    override_header = request.headers.get(settings.progressive_override.header)
    return Admitted(request.method, caller, envelope, forwarded, override_header)


def _refused(error: RequestError) -> Answer:
    return Answer({"errors": error.to_errors()}, error.status_code, dict(error.headers))


async def answer(
    gateway: Gateway,
    edge: Edge,
    admitted: Admitted,
    item: GraphQLRequest,
    override_labels: frozenset[str] = frozenset(),
) -> Answer:
    """Plan and execute one operation of the request, with the progressive-override labels drawn for
    the request; client errors become an `Answer` with errors."""
    try:
        resolution = await edge.persisted_queries.resolve(item, edge.redis)
        item = resolution.request
        prepared = _prepare(gateway, admitted, item, override_labels)
        bind_request(operation=prepared.plan.operation.name)
        await resolution.register()  # an APQ registration is kept only for a document that prepares
        variables = gateway.coerce_variables(prepared, item.variables)
        demand = edge.settings.demand_control
        operation = prepared.plan.operation
        estimated_cost = enforce_budget(
            demand,
            edge.metrics,
            gateway.supergraph,
            operation,
            variables,
            admitted.caller.subject,
            edge.cost_estimates,
        )
        if edge.rate_limiter is not None and estimated_cost is not None:
            # With `rate_limit.cost_weighted`, an expensive operation takes more tokens than the one
            # `admit` took; otherwise this charges nothing.
            caller = admitted.caller
            await edge.rate_limiter.charge_cost(caller.address, caller.subject, estimated_cost)
    except RequestError as error:
        edge.metrics.rejections.labels(error.code).inc()
        return _refused(error)
    execution = await gateway.run(prepared, item, variables, admitted.forwarded, admitted.caller.cache_scope)
    body = execution.response
    record_actual_cost(
        demand, edge.metrics, gateway.supergraph, operation, variables, body.get("data"), edge.cost_estimates
    )
    status = 400 if "data" not in body else 200
    return Answer(
        body, status, prepared=prepared, estimated_cost=estimated_cost, cache_policy=execution.cache_policy
    )


def _prepare(
    gateway: Gateway, admitted: Admitted, item: GraphQLRequest, override_labels: frozenset[str]
) -> PreparedOperation:
    if not item.query:
        raise BadRequest("Must provide query string.")
    prepared = gateway.prepare(item.query, item.operation_name, override_labels)
    if admitted.method == "GET" and prepared.plan.operation.kind != "query":
        raise MethodNotAllowed("Mutations cannot be sent with GET.", headers={"allow": "POST"})
    return prepared


async def answer_all(gateway: Gateway, edge: Edge, admitted: Admitted) -> list[Answer]:
    """Every operation of the envelope, planned and executed independently (a batch concurrently), with
    one draw of the progressive-override labels for the whole request."""
    items = admitted.envelope.requests
    labels = gateway.label_draw.active(admitted.override_header)
    if len(items) == 1:
        return [await answer(gateway, edge, admitted, items[0], labels)]
    return list(await asyncio.gather(*(answer(gateway, edge, admitted, item, labels) for item in items)))
