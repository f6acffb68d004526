"""The GraphQL side of every subgraph: document caches and error codes on every error.

Clients see an `extensions.code` on every error: parse and validation failures as Apollo names them,
domain errors with their own code, and any unexpected exception masked as INTERNAL_SERVER_ERROR (it is
logged with its traceback here, not sent). `_entities` checks every representation first (see
`entities.py`) and refuses calls with more than `max_representations`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
import structlog
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLUnionType
from opentelemetry.trace import Span
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.federation.schema import FederationAny
from strawberry.types import ExecutionContext, Info
from strawberry.types.graphql import OperationType

from observability.request_context import bind_request
from observability.tracing import TRACING_OFF, Tracing
from subgraphs.common.db import RequestSession
from subgraphs.common.entities import ARGUMENT, ENTITY_UNION, RepresentationCheck
from subgraphs.common.errors import BadUserInputError, DomainError
from subgraphs.common.execution import PlainFieldsExecutionContext
from subgraphs.common.settings import DEFAULT_MAX_REPRESENTATIONS

log = structlog.get_logger(__name__)

INTERNAL_MESSAGE = "Internal server error."


def _is_unexpected(error: GraphQLError) -> bool:
    """A bug: an exception that is neither a domain error nor GraphQL's own, in a resolver or outside
    any field (an extension). Input that does not coerce reaches here as a GraphQLError."""
    original = error.original_error
    return original is not None and not isinstance(original, DomainError | GraphQLError)


def give_code(error: GraphQLError, *, document_parsed: bool) -> None:
    """Make the error what the client should see: always with `extensions.code`, never leaking a bug.

    Done in place, in `process_errors`, because that is the one hook Strawberry runs for errors from
    every stage (parsing, validation, variable coercion, execution).
    """
    if isinstance(error.original_error, DomainError) or (error.extensions or {}).get("code"):
        return
    if _is_unexpected(error):
        error.message = INTERNAL_MESSAGE
        error.original_error = None
        error.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return
    if error.path is not None:
        code = "INTERNAL_SERVER_ERROR"
    elif not document_parsed:
        code = "GRAPHQL_PARSE_FAILED"
    elif error.original_error is None:
        code = "GRAPHQL_VALIDATION_FAILED"
    else:
        code = "BAD_USER_INPUT"  # a variable that does not coerce to its type
    error.extensions = {**(error.extensions or {}), "code": code}


class SubgraphSchema(strawberry.federation.Schema):
    """A Federation 2 schema whose errors all carry a code; only bugs are logged, with their traceback.

    `_entities` answers a malformed representation with BAD_USER_INPUT at its own index while the
    others resolve (through the loaders, batched as before), and refuses a call carrying more than
    `max_representations` as a whole, before anything is loaded.
    """

    def __init__(self, *, max_representations: int = DEFAULT_MAX_REPRESENTATIONS, **options: Any) -> None:
        if max_representations < 1:
            raise ValueError("max_representations must be at least 1")
        super().__init__(**options)
        self.max_representations = max_representations
        entities = self._schema.type_map.get(ENTITY_UNION)
        self.representation_check = RepresentationCheck.of_schema(
            entities if isinstance(entities, GraphQLUnionType) else None, self.schema_converter.type_map
        )

    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        if len(representations) > self.max_representations:
            raise BadUserInputError(
                f"At most {self.max_representations} representations per _entities call"
                f" ({len(representations)} sent).",
                field=ARGUMENT,
                maxRepresentations=self.max_representations,
            )
        results: list[Any] = [self.representation_check.check(item) for item in representations]
        good = [(index, item) for index, item in enumerate(results) if isinstance(item, dict)]
        resolved = super().entities_resolver(info, [FederationAny(item) for _, item in good])
        for (index, _), outcome in zip(good, resolved, strict=True):
            results[index] = outcome
        return results

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        parsed = execution_context is not None and execution_context.graphql_document is not None
        for error in errors:
            if _is_unexpected(error):
                log.error("graphql.unexpected_error", path=error.path, exc_info=error.original_error)
            give_code(error, document_parsed=parsed)


NUL = "\x00"
NUL_MESSAGE = "Text must not contain the NUL character (\\u0000)."


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


class RejectNulText(SchemaExtension):
    """PostgreSQL text cannot hold NUL, so text carrying one is the client's mistake (BAD_USER_INPUT),
    refused before any resolver runs rather than failing deep in a write."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query or ""
        if "\\u0000" in query or NUL in query or _contains_nul(context.variables or {}):
            error = GraphQLError(NUL_MESSAGE, extensions={"code": "BAD_USER_INPUT"})
            context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield


class QueriesReadWithoutTransaction(SchemaExtension):
    """A query operation (`_entities` included) only reads, so its session runs without a transaction
    (`RequestSession.mark_reads_only`): no BEGIN and ROLLBACK round trips around its statements, about a
    tenth of the orders subgraph's CPU on a listing. Mutations keep their transaction."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(RuntimeError):  # no document, or no operation of that name in it
            db = getattr(context.context, "db", None)
            if context.operation_type is OperationType.QUERY and isinstance(db, RequestSession):
                db.mark_reads_only()
        yield


def _outcome(result: Any) -> str:
    errors = getattr(result, "errors", None)
    if not errors:
        return "ok"
    return "partial" if getattr(result, "data", None) else "error"


class ObserveOperations(SchemaExtension):
    """Each operation's name and caller on every log line of it, and its count and duration in the
    metrics (`SubgraphMetrics.count_operation`)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        context = self.execution_context.context
        caller = getattr(context, "caller", None)
        bind_request(subject=getattr(caller, "subject", None))
        yield
        name = self.execution_context.operation_name
        bind_request(operation=name)
        resources = getattr(context, "resources", None)
        metrics = getattr(resources, "metrics", None)
        if metrics is not None:
            metrics.count_operation(
                name, _outcome(self.execution_context.result), time.perf_counter() - started
            )

    def on_execute(self) -> Iterator[None]:
        bind_request(operation=self.execution_context.operation_name)  # before the resolvers log
        yield


def _tracing_of(context: object) -> Tracing:
    resources = getattr(context, "resources", None)
    tracing = getattr(resources, "tracing", TRACING_OFF)
    return tracing if isinstance(tracing, Tracing) else TRACING_OFF


class TraceExecution(SchemaExtension):
    """A `graphql.execute` span around the operation (parse, validate, resolvers and their SQL and
    Redis calls nest under it), named for the operation, with the number of representations of an
    `_entities` call. Nothing happens when the app's tracing is off."""

    def on_operation(self) -> Iterator[None]:
        tracing = _tracing_of(self.execution_context.context)
        if not tracing.enabled:
            yield
            return
        with tracing.span("graphql.execute") as span:
            yield
            if span is not None:
                self._describe(span)

    def _describe(self, span: Span) -> None:
        context = self.execution_context
        if context.operation_name:
            span.set_attribute("graphql.operation.name", context.operation_name)
        with contextlib.suppress(RuntimeError):  # no document, or no operation of that name in it
            span.set_attribute("graphql.operation.type", context.operation_type.value)
        representations = (context.variables or {}).get("representations")
        if isinstance(representations, list):
            span.set_attribute("gocart.entity_count", len(representations))


def build_schema(
    *,
    query: type,
    mutation: type | None = None,
    types: Iterable[type] = (),
    document_cache_size: int = 1024,
    max_representations: int = DEFAULT_MAX_REPRESENTATIONS,
) -> SubgraphSchema:
    """A subgraph schema with parsed and validated documents cached (a repeated fetch skips both) and
    plain leaf fields answered without graphql-core's per-field machinery (`common/execution.py`)."""
    extensions: list[Any] = [TraceExecution, ObserveOperations, RejectNulText, QueriesReadWithoutTransaction]
    if document_cache_size > 0:
        extensions += [
            lambda: ParserCache(maxsize=document_cache_size),
            lambda: ValidationCache(maxsize=document_cache_size),
        ]
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        types=list(types),
        extensions=extensions,
        max_representations=max_representations,
        execution_context_class=PlainFieldsExecutionContext,
    )
