"""The request pipeline shared by every transport: parse, validate, plan (all cached), then execute.

Parsing, validation and planning depend only on the operation text and name, so their outcome (a plan
or a client error) is cached; repeated operations go straight to execution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, parse, validate
from graphql.execution.values import get_variable_values

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
from router.executor.introspection import execute_introspection, has_introspection
from router.limits import (
    LimitExceeded,
    OperationLimits,
    check_document_limits,
    check_limits,
    check_text_limits,
)
from router.planner import QueryPlan, QueryPlanner
from router.planner.cache import LruCache
from router.supergraph import Supergraph
from telemetry.tracing import TRACING_OFF, Tracing


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    query: str | None
    operation_name: str | None = None
    variables: Mapping[str, Any] | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)
    document_id: str | None = None  # a persisted document's id, resolved to `query` at the edge


@dataclass(frozen=True, slots=True)
class PreparedOperation:
    """Everything about an operation that does not depend on variables."""

    document: DocumentNode
    plan: QueryPlan
    introspection: bool


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
        *,
        tracing: Tracing = TRACING_OFF,
    ) -> None:
        self.supergraph = supergraph
        self.limits = limits or OperationLimits()
        self.planner = QueryPlanner(supergraph)
        self.executor = Executor(supergraph, fetcher, urls, tracing=tracing)
        self.tracing = tracing
        self._cache: LruCache[tuple[str, str | None], PreparedOperation | RequestError] = LruCache(cache_size)

    def prepare(self, query: str, operation_name: str | None) -> PreparedOperation:
        """Parse, validate and plan, once per distinct (query, operation name); raises `RequestError`."""
        if len(query) > self.limits.max_operation_characters:
            raise LimitExceeded(
                "MAX_OPERATION_CHARACTERS_LIMIT",
                f"The operation has {len(query)} characters; at most "
                f"{self.limits.max_operation_characters} are accepted.",
            )
        key = (query, operation_name)
        cached = self._cache.get(key)
        attributes: dict[str, str | bool] = {"gocart.plan_cache.hit": cached is not None}
        if operation_name:
            attributes["graphql.operation.name"] = operation_name
        with self.tracing.span("graphql.prepare", attributes):
            if cached is None:
                try:
                    cached = self._prepare(query, operation_name)
                except RequestError as error:
                    cached = error
                self._cache.put(key, cached)
            if isinstance(cached, RequestError):
                raise cached
            return cached

    def _prepare(self, query: str, operation_name: str | None) -> PreparedOperation:
        check_text_limits(query, self.limits)
        with self.tracing.span("graphql.parse"):
            document = self._parse(query)
        check_document_limits(document, operation_name, self.limits)
        with self.tracing.span("graphql.validate"):
            errors = validate(self.supergraph.api_schema, document)
        if errors:
            raise ValidationFailed([e.message for e in errors], locations=[_locations(e) for e in errors])
        with self.tracing.span("graphql.plan"):
            operation = self.planner.normalize(document, operation_name)
            check_limits(operation, self.limits)
            try:
                plan = self.planner.plan(operation)
            except PlanningError as error:
                raise QueryPlanningFailed(str(error)) from error
        if plan.operation.kind == "subscription":
            raise BadRequest("Subscriptions are not supported by this router.")
        return PreparedOperation(document, plan, has_introspection(plan.operation.selections))

    def _parse(self, query: str) -> DocumentNode:
        try:
            return parse(query, max_tokens=self.limits.max_tokens)
        except GraphQLError as error:
            if "Document contains more than" in error.message:  # graphql-core 3.3 prefixes "Syntax Error: "
                raise LimitExceeded(
                    "MAX_TOKENS_LIMIT",
                    f"The operation has more than {self.limits.max_tokens} tokens, the limit.",
                ) from error
            raise ParseFailed(error.message, locations=[_locations(error)]) from error

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
        """The GraphQL response for the request; client errors come back as `{"errors": [...]}`."""
        if not request.query:
            return {"errors": BadRequest("Must provide query string.").to_errors()}
        try:
            prepared = self.prepare(request.query, request.operation_name)
            variables = self.coerce_variables(prepared, request.variables)
        except RequestError as error:
            return {"errors": error.to_errors()}
        return await self.run(prepared, request, variables, headers)

    async def run(
        self,
        prepared: PreparedOperation,
        request: GraphQLRequest,
        variables: dict[str, Any],
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        """Execute an operation already prepared and whose variables are coerced."""
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        if prepared.introspection:
            data, errors = execute_introspection(
                self.supergraph.api_schema, prepared.document, request.operation_name, variables
            )
        return await self.executor.execute(
            prepared.plan,
            variables=variables,
            raw_variables=request.variables or {},
            headers=headers,
            initial_data=data,
            initial_errors=errors,
        )
