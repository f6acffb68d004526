"""The request pipeline shared by every transport: parse, validate, plan (all cached), then execute.

Parsing and validation depend only on the operation text and name, planning on those and the
progressive-override labels in force that can change the plan, so their outcomes (a plan or a client
error) are cached under those keys; repeated operations go straight to execution.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, parse, validate
from graphql.execution.values import get_variable_values

from observability.tracing import TRACING_OFF, Tracing
from router.cache import LruCache
from router.config import ProgressiveOverrideSettings
from router.entity_cache import UNCACHED, CacheScope, EntityCache
from router.errors import (
    BadRequest,
    InvalidVariables,
    ParseFailed,
    PlanningError,
    QueryPlanningFailed,
    RequestError,
    ValidationFailed,
)
from router.executor import Executor, SubgraphFetcher
from router.executor.execute import Execution
from router.executor.introspection import execute_introspection, has_introspection
from router.limits import (
    LimitExceeded,
    OperationLimits,
    check_document_limits,
    check_limits,
    check_text_limits,
)
from router.overrides.draw import LabelDraw
from router.overrides.labels import OperationLabels
from router.plan.nodes import QueryPlan
from router.plan.operation import Operation
from router.planner import QueryPlanner
from router.supergraph import Supergraph


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    query: str | None
    operation_name: str | None = None
    variables: Mapping[str, Any] | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)
    document_id: str | None = None  # a persisted document's id, resolved to `query` at the edge


@dataclass(frozen=True, slots=True)
class ParsedOperation:
    """An operation parsed, validated, normalized and within limits: all that no override label changes.

    `override_labels` are the supergraph's progressive-override labels that can change its plan.
    """

    document: DocumentNode
    operation: Operation
    override_labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class PreparedOperation:
    """Everything about an operation that does not depend on variables; `override_labels` are the
    labels in force that it was planned with."""

    document: DocumentNode
    plan: QueryPlan
    introspection: bool
    override_labels: frozenset[str] = frozenset()


def _locations(error: GraphQLError) -> list[dict[str, int]]:
    return [{"line": location.line, "column": location.column} for location in error.locations or ()]


class Gateway:
    """Answers GraphQL requests for one supergraph."""

    def __init__(
        self,
        supergraph: Supergraph,
        fetcher: SubgraphFetcher,
        urls: Mapping[str, str],
        cache_size: int = 1024,
        limits: OperationLimits | None = None,
        progressive_override: ProgressiveOverrideSettings | None = None,
        on_plan_cache: Callable[[bool], None] | None = None,
        *,
        tracing: Tracing = TRACING_OFF,
        entity_cache: EntityCache | None = None,
    ) -> None:
        """`on_plan_cache(hit)` is told of every plan-cache lookup (for the metrics)."""
        self.supergraph = supergraph
        self._on_plan_cache = on_plan_cache
        self.limits = limits or OperationLimits()
        self.planner = QueryPlanner(supergraph)
        self.executor = Executor(supergraph, fetcher, urls, tracing=tracing, entity_cache=entity_cache)
        self.tracing = tracing
        self.operation_labels = OperationLabels(supergraph)
        self.label_draw = LabelDraw(
            self.operation_labels.all, progressive_override or ProgressiveOverrideSettings()
        )
        self._parsed: LruCache[tuple[str, str | None], ParsedOperation | RequestError] = LruCache(cache_size)
        self._cache: LruCache[tuple[str, str | None, frozenset[str]], PreparedOperation | RequestError] = (
            LruCache(cache_size)
        )

    def prepare(
        self, query: str, operation_name: str | None, override_labels: frozenset[str] = frozenset()
    ) -> PreparedOperation:
        """Parse, validate and plan, once per distinct (query, operation name) and set of the active
        `override_labels` that can change its plan; raises `RequestError`."""
        if len(query) > self.limits.max_operation_characters:
            raise LimitExceeded(
                "MAX_OPERATION_CHARACTERS_LIMIT",
                f"The operation has {len(query)} characters; at most "
                f"{self.limits.max_operation_characters} are accepted.",
            )
        attributes: dict[str, str | bool] = {}
        if operation_name:
            attributes["graphql.operation.name"] = operation_name
        with self.tracing.span("graphql.prepare", attributes) as span:
            parsed = self._parsed.get((query, operation_name))
            if parsed is None:
                try:
                    parsed = self._parse(query, operation_name)
                except RequestError as error:
                    parsed = error
                self._parsed.put((query, operation_name), parsed)
            if isinstance(parsed, RequestError):
                raise parsed
            labels = override_labels & parsed.override_labels
            key = (query, operation_name, labels)
            cached = self._cache.get(key)
            if span is not None:
                span.set_attribute("gocart.plan_cache.hit", cached is not None)
            if self._on_plan_cache is not None:
                self._on_plan_cache(cached is not None)
            if cached is None:
                try:
                    cached = self._plan(parsed, labels)
                except RequestError as error:
                    cached = error
                self._cache.put(key, cached)
            if isinstance(cached, RequestError):
                raise cached
            return cached

    def _parse(self, query: str, operation_name: str | None) -> ParsedOperation:
        check_text_limits(query, self.limits)
        with self.tracing.span("graphql.parse"):
            try:
                document = parse(query, max_tokens=self.limits.max_tokens)
            except GraphQLError as error:
                if (
                    "Document contains more than" in error.message
                ):  # graphql-core 3.3 prefixes "Syntax Error: "
                    raise LimitExceeded(
                        "MAX_TOKENS_LIMIT",
                        f"The operation has more than {self.limits.max_tokens} tokens, the limit.",
                    ) from error
                raise ParseFailed(error.message, locations=[_locations(error)]) from error
        check_document_limits(document, operation_name, self.limits)
        with self.tracing.span("graphql.validate"):
            errors = validate(self.supergraph.api_schema, document)
        if errors:
            raise ValidationFailed([e.message for e in errors], locations=[_locations(e) for e in errors])
        operation = self.planner.normalize(document, operation_name)
        check_limits(operation, self.limits)
        if operation.kind == "subscription":
            raise BadRequest("Subscriptions are not supported by this router.")
        return ParsedOperation(document, operation, self.operation_labels.of(operation))

    def _plan(self, parsed: ParsedOperation, override_labels: frozenset[str]) -> PreparedOperation:
        with self.tracing.span("graphql.plan"):
            try:
                plan = self.planner.plan(parsed.operation, override_labels)
            except PlanningError as error:
                raise QueryPlanningFailed(str(error)) from error
        introspection = has_introspection(plan.operation.selections)
        return PreparedOperation(parsed.document, plan, introspection, override_labels)

    def coerce_variables(
        self, prepared: PreparedOperation, variables: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        coerced = get_variable_values(
            self.supergraph.api_schema, prepared.plan.operation.variable_definitions, dict(variables or {})
        )
        if isinstance(coerced, list):
            raise InvalidVariables(
                [error.message for error in coerced], locations=[_locations(e) for e in coerced]
            )
        return coerced.coerced

    async def execute(self, request: GraphQLRequest, headers: Mapping[str, str]) -> dict[str, Any]:
        """The GraphQL response for the request; client errors come back as `{"errors": [...]}`.

        The progressive-override labels are drawn for this request (`headers` may name custom ones).
        """
        if not request.query:
            return {"errors": BadRequest("Must provide query string.").to_errors()}
        override_labels = self.label_draw.active(headers.get(self.label_draw.header))
        try:
            prepared = self.prepare(request.query, request.operation_name, override_labels)
            variables = self.coerce_variables(prepared, request.variables)
        except RequestError as error:
            return {"errors": error.to_errors()}
        execution = await self.run(prepared, request, variables, headers)
        return execution.response

    async def run(
        self,
        prepared: PreparedOperation,
        request: GraphQLRequest,
        variables: dict[str, Any],
        headers: Mapping[str, str],
        scope: CacheScope = UNCACHED,
    ) -> Execution:
        """Execute an operation already prepared and whose variables are coerced, reading and writing
        the entity cache in the caller's `scope` (by default not at all)."""
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        if prepared.introspection:
            data, errors = execute_introspection(
                self.supergraph.api_schema, prepared.document, request.operation_name, variables
            )
        return await self.executor.run(
            prepared.plan,
            variables=variables,
            raw_variables=request.variables or {},
            headers=headers,
            initial_data=data,
            initial_errors=errors,
            document=prepared.document,
            operation_name=request.operation_name,
            scope=scope,
        )
