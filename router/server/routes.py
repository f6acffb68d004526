"""HTTP endpoints: GraphQL over HTTP (POST and GET), GraphiQL for browsers, and health."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from router.auth import TokenGate
from router.config import RouterSettings
from router.errors import BadRequest, RequestError
from router.gateway import Gateway, GraphQLRequest
from router.planner import print_plan_compact
from router.server.graphiql import GRAPHIQL_HTML

logger = logging.getLogger(__name__)

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


async def _read_request(request: Request) -> GraphQLRequest:
    if request.method == "GET":
        params = request.query_params
        variables = params.get("variables")
        try:
            decoded = orjson.loads(variables) if variables else None
        except orjson.JSONDecodeError as error:
            raise BadRequest("variables must be a JSON object") from error
        return _graphql_request(params.get("query"), params.get("operationName"), decoded)
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError as error:
        raise BadRequest("The request body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return _graphql_request(body.get("query"), body.get("operationName"), body.get("variables"))


def _graphql_request(query: Any, operation_name: Any, variables: Any) -> GraphQLRequest:
    if query is not None and not isinstance(query, str):
        raise BadRequest("query must be a string")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("operationName must be a string")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("variables must be a JSON object")
    return GraphQLRequest(query, operation_name or None, variables)


def forwarded_for(request: Request) -> str:
    """X-Forwarded-For for subgraphs: what the client sent, then the peer we saw (the hop a subgraph
    that trusts the router takes), so per-client limits see clients, not the router."""
    peer = request.client.host if request.client else "unknown"
    sent = request.headers.get("x-forwarded-for")
    return f"{sent}, {peer}" if sent else peer


async def graphql(request: Request) -> Response:
    """GraphQL over HTTP. Client errors (parse, validation) answer 400 without calling any subgraph."""
    if request.method == "GET" and _wants_html(request):
        return HTMLResponse(GRAPHIQL_HTML)
    gateway: Gateway | None = request.app.state.gateway
    settings: RouterSettings = request.app.state.settings
    media_type = _media_type(request)
    if gateway is None:
        return _json({"errors": [_NOT_READY]}, 503, media_type)
    try:
        graphql_request = await _read_request(request)
        if not graphql_request.query:
            raise BadRequest("Must provide query string.")
        prepared = gateway.prepare(graphql_request.query, graphql_request.operation_name)
    except RequestError as error:
        return _json({"errors": error.to_errors()}, error.status_code, media_type)
    if request.method == "GET" and prepared.plan.operation.kind != "query":
        return _json(
            {"errors": BadRequest("Mutations cannot be sent with GET.").to_errors()},
            405,
            media_type,
            headers={"allow": "POST"},
        )
    token_gate: TokenGate | None = request.app.state.token_gate
    if token_gate is not None and (reason := await token_gate.refusal(request.headers.get("authorization"))):
        unauthenticated = {"message": reason, "extensions": {"code": "UNAUTHENTICATED"}}
        return _json({"errors": [unauthenticated]}, 401, media_type, headers={"www-authenticate": "Bearer"})
    forwarded = {
        name: value for name in settings.forward_headers if (value := request.headers.get(name)) is not None
    }
    forwarded["x-forwarded-for"] = forwarded_for(request)
    try:
        response = await gateway.execute(graphql_request, forwarded)
    except Exception:
        logger.exception("unexpected error while executing an operation")
        return _json({"errors": [_INTERNAL_ERROR]}, 500, media_type)
    headers: dict[str, str] = {}
    if settings.expose_query_plan and request.headers.get(PLAN_HEADER) == "true":
        headers[PLAN_HEADER] = print_plan_compact(prepared.plan)
    status = 400 if "data" not in response else 200
    return _json(response, status, media_type, headers)


async def health(request: Request) -> Response:
    ready = getattr(request.app.state, "gateway", None) is not None
    return _json({"status": "UP" if ready else "STARTING"}, 200 if ready else 503, "application/json")
