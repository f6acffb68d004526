"""The GraphQL-over-HTTP envelope: one operation, or a batch (a JSON array), from a POST body or GET
query parameters, with `extensions` and `documentId` kept for persisted queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from router.errors import BadRequest
from router.gateway import GraphQLRequest
from router.limits import LimitExceeded


@dataclass(frozen=True, slots=True)
class Envelope:
    """What one HTTP request asks for: `batch` is true when the body was an array (answered by one)."""

    requests: tuple[GraphQLRequest, ...]
    batch: bool = False


def _json_parameter(value: str | None, name: str) -> Any:
    if not value:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"{name} must be a JSON object") from error


def from_query_parameters(params: Mapping[str, str]) -> Envelope:
    request = graphql_request(
        {
            "query": params.get("query"),
            "operationName": params.get("operationName"),
            "variables": _json_parameter(params.get("variables"), "variables"),
            "extensions": _json_parameter(params.get("extensions"), "extensions"),
            "documentId": params.get("documentId"),
        }
    )
    return Envelope((request,))


def from_body(body: bytes, max_batch_size: int) -> Envelope:
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequest("The request body is not valid JSON.") from error
    if isinstance(decoded, list):
        if not decoded:
            raise BadRequest("A batch must hold at least one operation.")
        if len(decoded) > max_batch_size:
            raise LimitExceeded(
                "BATCH_LIMIT_EXCEEDED",
                f"The batch holds {len(decoded)} operations; at most {max_batch_size} are accepted.",
            )
        return Envelope(tuple(graphql_request(item) for item in decoded), batch=True)
    return Envelope((graphql_request(decoded),))


def graphql_request(item: Any) -> GraphQLRequest:
    if not isinstance(item, dict):
        raise BadRequest("The request body must be a JSON object (or an array of them).")
    query, operation_name = item.get("query"), item.get("operationName")
    variables, extensions = item.get("variables"), item.get("extensions")
    if query is not None and not isinstance(query, str):
        raise BadRequest("query must be a string")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("operationName must be a string")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("variables must be a JSON object")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("extensions must be a JSON object")
    document_id = item.get("documentId")
    if document_id is not None and not isinstance(document_id, str):
        raise BadRequest("documentId must be a string")
    return GraphQLRequest(query, operation_name or None, variables, extensions or {}, document_id or None)
