"""HTTP endpoints: GraphQL over HTTP (POST and GET, single or batched), GraphiQL for browsers, health and
metrics. The stages a request passes are in `router/server/pipeline.py`."""

from __future__ import annotations

import time
from typing import Any

import orjson
import structlog
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from observability.names import UNKNOWN
from router.errors import RequestError
from router.executor.traffic import TrafficFetcher
from router.gateway import Gateway
from router.plan.printer import print_plan, print_plan_compact
from router.server.graphiql import GRAPHIQL_CONTENT_SECURITY_POLICY, graphiql_page
from router.server.http_cache import cache_control, entity_tag, matches
from router.server.pipeline import Answer, Edge, admit, answer_all
from router.server.reload import short_digest

log = structlog.get_logger(__name__)

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
PLAN_HEADER = "x-gocart-query-plan"
_INTERNAL_ERROR = {"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
_NOT_READY = {"message": "The router is not ready yet.", "extensions": {"code": "SERVICE_UNAVAILABLE"}}


def _json(payload: Any, status_code: int, media_type: str, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status_code=status_code, media_type=media_type, headers=headers)


def _media_type(request: Request) -> str:
    accept = request.headers.get("accept", "")
    return GRAPHQL_RESPONSE_JSON if GRAPHQL_RESPONSE_JSON in accept else "application/json"


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "query" not in request.query_params


def _outcome(answer: Answer) -> str:
    if answer.status >= 400 or "data" not in answer.body:  # some refusals answer 200 (APQ's not found)
        return "rejected" if answer.status < 500 else "error"
    return "partial" if "errors" in answer.body else "ok"


def _operation_label(edge: Edge, answer: Answer) -> str:
    """The operation's name as planned, bounded (`observability.names`); `unknown` if never planned."""
    if answer.prepared is None:
        return UNKNOWN
    return edge.metrics.operation_names.label(answer.prepared.plan.operation.name)


def _count(edge: Edge, operation: str, outcome: str, started: float) -> None:
    edge.metrics.requests.labels(operation, outcome).inc()
    edge.metrics.request_duration.labels(operation, outcome).observe(time.perf_counter() - started)


async def graphql(request: Request) -> Response:
    """GraphQL over HTTP. Client errors answer 4xx without calling any subgraph."""
    if request.method == "GET" and _wants_html(request):
        plan_view = request.app.state.edge.settings.expose_query_plan
        page = graphiql_page(endpoint=request.url.path, plan_view=plan_view)
        return HTMLResponse(page, headers={"content-security-policy": GRAPHIQL_CONTENT_SECURITY_POLICY})
    edge: Edge = request.app.state.edge
    with edge.metrics.in_flight.track_inprogress():
        return await _serve_graphql(request, edge)


async def _serve_graphql(request: Request, edge: Edge) -> Response:
    started = time.perf_counter()
    # Read once: a supergraph reload swaps app.state.gateway, and this request finishes on this one.
    gateway: Gateway | None = request.app.state.gateway
    media_type = _media_type(request)
    if gateway is None:
        return _json({"errors": [_NOT_READY]}, 503, media_type)
    try:
        admitted = await admit(request, edge)
        answers = await answer_all(gateway, edge, admitted)
    except RequestError as error:
        edge.metrics.rejections.labels(error.code).inc()
        _count(edge, UNKNOWN, "rejected", started)
        return _json({"errors": error.to_errors()}, error.status_code, media_type, dict(error.headers))
    except Exception:
        log.exception("router.unexpected_error")
        _count(edge, UNKNOWN, "error", started)
        return _json({"errors": [_INTERNAL_ERROR]}, 500, media_type)
    for item in answers:
        _count(edge, _operation_label(edge, item), _outcome(item), started)
    if admitted.envelope.batch:
        return _json([item.body for item in answers], 200, media_type)
    single = answers[0]
    headers = dict(single.headers)
    if (
        edge.settings.expose_query_plan
        and single.prepared is not None
        and request.headers.get(PLAN_HEADER) == "true"
    ):
        headers[PLAN_HEADER] = print_plan_compact(single.prepared.plan)
        extensions = single.body.setdefault("extensions", {})
        extensions["queryPlan"] = {"text": print_plan(single.prepared.plan)}
    if request.method != "GET":
        return _json(single.body, single.status, media_type, headers)
    return _cacheable(request, single, media_type, headers)


def _cacheable(request: Request, single: Answer, media_type: str, headers: dict[str, str]) -> Response:
    """A GET answer with its caching headers (router/server/http_cache.py); 304 without a body when
    the client's `If-None-Match` names it."""
    body = orjson.dumps(single.body)
    headers.update(
        cache_control(
            single.cache_policy,
            status=single.status,
            has_errors="errors" in single.body,
            authenticated=request.headers.get("authorization") is not None,
        )
    )
    if single.status != 200:
        return Response(body, status_code=single.status, media_type=media_type, headers=headers)
    headers["etag"] = entity_tag(body)
    if matches(request.headers.get("if-none-match"), headers["etag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=200, media_type=media_type, headers=headers)


async def health(request: Request) -> Response:
    """UP once started, with the supergraph served (first 12 hex digits of its sha256) and each
    subgraph's breaker state; the router stays UP while breakers are open."""
    state = request.app.state
    if getattr(state, "gateway", None) is None:
        return _json({"status": "STARTING"}, 503, "application/json")
    digest: str | None = getattr(state, "supergraph_sha256", None)
    body: dict[str, Any] = {"status": "UP", "supergraph_sha256": short_digest(digest) if digest else None}
    traffic: TrafficFetcher | None = getattr(state, "traffic", None)
    if traffic is not None:
        body["subgraphs"] = {name: {"breaker": state} for name, state in traffic.breaker_states().items()}
    return _json(body, 200, "application/json")


async def metrics(request: Request) -> Response:
    edge: Edge = request.app.state.edge
    return Response(generate_latest(edge.metrics.registry), media_type=CONTENT_TYPE_LATEST)
