"""The GraphQL side of every subgraph: document caches and error codes on every error.

Clients see an `extensions.code` on every error: parse and validation failures as Apollo names them,
domain errors with their own code, and any unexpected exception masked as INTERNAL_SERVER_ERROR (it is
logged with its traceback here, not sent).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types import ExecutionContext

from subgraphs.common.errors import DomainError

log = structlog.get_logger(__name__)

INTERNAL_MESSAGE = "Internal server error."


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return (
        original is not None
        and not isinstance(original, DomainError | GraphQLError)
        and error.path is not None
    )


def with_code(error: GraphQLError, *, document_parsed: bool) -> GraphQLError:
    """The error as the client should see it: always with `extensions.code`, never leaking a bug."""
    if isinstance(error.original_error, DomainError) or (error.extensions or {}).get("code"):
        return error
    if _is_unexpected(error):
        return GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
        )
    if error.path is not None:
        code = "INTERNAL_SERVER_ERROR"
    elif not document_parsed:
        code = "GRAPHQL_PARSE_FAILED"
    elif error.original_error is None:
        code = "GRAPHQL_VALIDATION_FAILED"
    else:
        code = "BAD_USER_INPUT"  # a variable that does not coerce to its type
    error.extensions = {**(error.extensions or {}), "code": code}
    return error


class ErrorCodes(SchemaExtension):
    """Gives every error in a result its `extensions.code` (see `with_code`)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        parsed = self.execution_context.graphql_document is not None
        result.errors = [with_code(error, document_parsed=parsed) for error in result.errors]


class SubgraphSchema(strawberry.federation.Schema):
    """A Federation 2 schema that logs only the errors that are bugs, with their traceback."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,  # noqa: ARG002  (the base signature)
    ) -> None:
        for error in errors:
            if _is_unexpected(error):
                log.error(
                    "graphql.unexpected_error",
                    path=error.path,
                    exc_info=error.original_error,
                )


def build_schema(
    *,
    query: type,
    mutation: type | None = None,
    types: Iterable[type] = (),
    document_cache_size: int = 1024,
) -> SubgraphSchema:
    """A subgraph schema with parsed and validated documents cached (a repeated fetch skips both)."""
    extensions: list[Any] = [ErrorCodes]
    if document_cache_size > 0:
        extensions += [
            lambda: ParserCache(maxsize=document_cache_size),
            lambda: ValidationCache(maxsize=document_cache_size),
        ]
    return SubgraphSchema(query=query, mutation=mutation, types=list(types), extensions=extensions)
