"""Walk a query plan: run fetches (in sequence or in parallel), merge their results, shape the response."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, OperationType
from opentelemetry import trace

from observability.tracing import TRACING_OFF, Tracing
from router.entity_cache import NO_STORE, UNCACHED, CachePolicy, CacheScope, EntityCache, parse_cache_control
from router.errors import PlanningError
from router.executor.cached import EntityKeys, entity_refs, invalidate_named, root_variant
from router.executor.context import group_by_context
from router.executor.error_locations import ClientDocument, locate_errors
from router.executor.fetcher import SubgraphFetcher, SubgraphFetchError, SubgraphResponse
from router.executor.merge import deep_merge
from router.executor.paths import objects_at, undo_renames
from router.executor.representations import Representation, build_representations
from router.executor.shaping import Shaper
from router.executor.subgraph_errors import client_error, fetch_failure
from router.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from router.supergraph.model import Supergraph, TypeKind


@dataclass(slots=True)
class _Run:
    """The mutable state of one execution: merged data and errors so far."""

    variables: Mapping[str, Any]
    raw_variables: Mapping[str, Any]
    headers: Mapping[str, str]
    scope: CacheScope = UNCACHED
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    cache_policy: CachePolicy | None = None  # restricted by every fetch (and cache hit); None: none ran

    def touched(self, policy: CachePolicy) -> None:
        self.cache_policy = policy if self.cache_policy is None else self.cache_policy.restrict(policy)


@dataclass(frozen=True, slots=True)
class Execution:
    """A GraphQL response, and the cache policy of everything it was made of (None when no subgraph
    was asked: an answer from the router alone, such as introspection)."""

    response: dict[str, Any]
    cache_policy: CachePolicy | None


class Executor:
    """Executes plans against the subgraphs of one supergraph through a `SubgraphFetcher`."""

    def __init__(
        self,
        supergraph: Supergraph,
        fetcher: SubgraphFetcher,
        urls: Mapping[str, str],
        *,
        tracing: Tracing = TRACING_OFF,
        entity_cache: EntityCache | None = None,
    ) -> None:
        self.supergraph = supergraph
        self.tracing = tracing
        self.entity_cache = entity_cache
        self.entity_keys = EntityKeys(supergraph)
        query_type = supergraph.api_schema.query_type
        self._query_type = query_type.name if query_type is not None else "Query"
        self.fetcher = fetcher
        self.urls = dict(urls)
        self.interfaces = frozenset(
            name for name, tdef in supergraph.types.items() if tdef.kind is TypeKind.INTERFACE
        )
        self._possible = {name: frozenset(types) for name, types in supergraph.possible_types.items()}
        self._field_info = {
            (type_name, field_name): (fdef.type_name, fdef.type_ref.endswith("!"))
            for type_name, tdef in supergraph.types.items()
            for field_name, fdef in tdef.fields.items()
        }

    def applies(self, type_condition: str | None, typename: str) -> bool:
        """Whether a fragment on `type_condition` applies to an object whose `__typename` is `typename`."""
        return (
            type_condition is None
            or type_condition == typename
            or typename in self._possible.get(type_condition, ())
        )

    def field_info(self, type_name: str, field_name: str) -> tuple[str, bool] | None:
        """The named type of a supergraph field and whether it is non-null."""
        return self._field_info.get((type_name, field_name))

    async def execute(
        self,
        plan: QueryPlan,
        *,
        variables: Mapping[str, Any],
        raw_variables: Mapping[str, Any],
        headers: Mapping[str, str],
        initial_data: dict[str, Any] | None = None,
        initial_errors: list[dict[str, Any]] | None = None,
        document: DocumentNode | None = None,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """Run the plan and return the GraphQL response (`data`, and `errors` when there are any).

        With the client's `document`, errors that have a path get the locations of the fields it names.
        """
        execution = await self.run(
            plan,
            variables=variables,
            raw_variables=raw_variables,
            headers=headers,
            initial_data=initial_data,
            initial_errors=initial_errors,
            document=document,
            operation_name=operation_name,
        )
        return execution.response

    async def run(
        self,
        plan: QueryPlan,
        *,
        variables: Mapping[str, Any],
        raw_variables: Mapping[str, Any],
        headers: Mapping[str, str],
        initial_data: dict[str, Any] | None = None,
        initial_errors: list[dict[str, Any]] | None = None,
        document: DocumentNode | None = None,
        operation_name: str | None = None,
        scope: CacheScope = UNCACHED,
    ) -> Execution:
        """`execute`, with the cache policy of the answer; `scope` says which entity cache entries
        the caller may read and write (router/entity_cache/scope.py; by default none). A mutation's
        plan neither reads nor writes it: what its later fetches return follows the write."""
        if plan.operation.kind != "query":
            scope = UNCACHED
        run = _Run(variables, raw_variables, headers, scope)
        run.data.update(initial_data or {})
        run.errors.extend(initial_errors or ())
        if plan.node is not None:
            with self.tracing.span("graphql.execute", {"graphql.operation.type": plan.operation.kind}):
                await self._node(plan.node, run)
        root = self.supergraph.api_schema.get_root_type(OperationType(plan.operation.kind))
        if root is None:  # validation refuses an operation on a root type the schema lacks
            raise PlanningError(f"The supergraph has no {plan.operation.kind} type.")
        shaper = Shaper(self.supergraph.api_schema, variables, self.applies, run.errors)
        data = shaper.shape(root, plan.operation.selections, run.data)
        response: dict[str, Any] = {"data": data}
        if run.errors:
            errors = run.errors
            if document is not None:
                client_document = ClientDocument(document, operation_name, variables, self.applies)
                errors = locate_errors(errors, client_document, run.data)
            response["errors"] = errors
        return Execution(response, run.cache_policy)

    async def _node(self, node: PlanNode, run: _Run) -> None:
        """Run one plan node, in a span of its own when tracing (so the trace has the plan's shape)."""
        if not self.tracing.enabled:
            await self._run_node(node, run)
            return
        with self.tracing.span(*_node_span(node)):
            await self._run_node(node, run)

    async def _run_node(self, node: PlanNode, run: _Run) -> None:
        if isinstance(node, SequenceNode):
            for child in node.nodes:
                await self._node(child, run)
        elif isinstance(node, ParallelNode):
            async with asyncio.TaskGroup() as group:
                for child in node.nodes:
                    group.create_task(self._node(child, run))
        elif isinstance(node, FlattenNode):
            if isinstance(node.node, FetchNode):
                with self.tracing.span(*_node_span(node.node)):
                    await self._entity_fetch(node.node, node.path, run)
            else:
                await self._node(node.node, run)
        elif isinstance(node, ConditionNode):
            branch = node.if_clause if run.variables.get(node.condition) else node.else_clause
            if branch is not None:
                await self._node(branch, run)
        else:
            await self._root_fetch(node, run)

    def _variables_for(self, fetch: FetchNode, run: _Run) -> dict[str, Any]:
        return {name: run.raw_variables[name] for name in fetch.variable_usages if name in run.raw_variables}

    async def _request(self, fetch: FetchNode, variables: dict[str, Any], run: _Run) -> SubgraphResponse:
        body: dict[str, Any] = {"query": fetch.operation, "variables": variables}
        if fetch.operation_name:
            body["operationName"] = fetch.operation_name
        return await self.fetcher.fetch(
            fetch.service_name,
            self.urls[fetch.service_name],
            body,
            run.headers,
            operation_kind=fetch.operation_kind,
        )

    async def _send(self, fetch: FetchNode, variables: dict[str, Any], run: _Run) -> SubgraphResponse | None:
        try:
            return await self._request(fetch, variables, run)
        except SubgraphFetchError as error:
            run.errors.append(fetch_failure(fetch.service_name, str(error)))
            run.touched(NO_STORE)
            return None

    def _cache_for(self, fetch: FetchNode, run: _Run) -> EntityCache | None:
        """The entity cache, for query fetches of a caller with a scope (None: skip it)."""
        if fetch.operation_kind != "query" or not run.scope.readable:
            return None
        return self.entity_cache

    async def _root_fetch(self, fetch: FetchNode, run: _Run) -> None:
        """The fetch's data from the entity cache when it holds it for this caller, else from the
        subgraph (then kept for as long as its `Cache-Control` allows, when it has no errors)."""
        variables = self._variables_for(fetch, run)
        cache = self._cache_for(fetch, run)
        variant = root_variant(fetch.operation, variables) if cache is not None else ""
        if cache is not None:
            cached = await cache.get_root(fetch.service_name, variant, run.scope, self._query_type)
            if cached is not None:
                run.touched(cached.policy)
                self._merge_root(fetch, {"data": cached.value}, run)
                return
        sent = await self._send(fetch, variables, run)
        if sent is None:
            return
        response = sent.body
        if fetch.operation_kind == "mutation" and self.entity_cache is not None:
            await invalidate_named(self.entity_cache, fetch.service_name, response)
        policy = parse_cache_control(sent.cache_control)
        run.touched(policy if not response.get("errors") else NO_STORE)
        if cache is not None and not response.get("errors") and isinstance(response.get("data"), dict):
            await cache.put_root(fetch.service_name, variant, response["data"], policy, run.scope)
        self._merge_root(fetch, response, run)

    def _merge_root(self, fetch: FetchNode, response: dict[str, Any], run: _Run) -> None:
        undo_renames(response, fetch.renames)
        run.errors.extend(
            client_error(error, fetch.service_name, renames=fetch.renames)
            for error in response.get("errors") or ()
        )
        if isinstance(response.get("data"), dict):
            deep_merge(run.data, response["data"])

    async def _entity_fetch(self, fetch: FetchNode, path: tuple[str, ...], run: _Run) -> None:
        """One `_entities` call per batch of at most `max_representations` (run concurrently), each
        answer merged, and its errors reported, in batch order."""
        representations = build_representations(
            objects_at(run.data, path, self.applies),
            fetch.requires,
            fetch.typename_rewrites,
            self.applies,
            self.field_info,
        )
        span = trace.get_current_span()
        span.set_attribute("gocart.fetch.entity_count", len(representations))
        if not representations:
            return
        variables = self._variables_for(fetch, run)
        if not fetch.context_rewrites:
            await self._entity_requests(fetch, variables, representations, run)
            return
        groups = group_by_context(fetch.context_rewrites, representations, run.data, self.applies)
        async with asyncio.TaskGroup() as task_group:
            for values, members in groups:
                task_group.create_task(self._entity_requests(fetch, {**variables, **values}, members, run))

    async def _entity_requests(
        self, fetch: FetchNode, variables: dict[str, Any], representations: list[Representation], run: _Run
    ) -> None:
        """The entities the cache holds for this caller are merged from it; only the others are sent
        (in batches), and kept for as long as the subgraph's `Cache-Control` allows."""
        cache = self._cache_for(fetch, run)
        if cache is None:
            await self._fetch_entities(fetch, variables, representations, run, None)
            return
        refs = entity_refs(self.entity_keys, fetch, variables, representations)
        cached = await cache.get_entities(fetch.service_name, refs, run.scope)
        hits = [
            (item, found) for item, found in zip(representations, cached, strict=True) if found is not None
        ]
        if hits:
            for _, found in hits:
                run.touched(found.policy)
            entities = [found.value for _, found in hits]
            self._merge_entities(fetch, [item for item, _ in hits], {"data": {"_entities": entities}}, run)
        missing = [item for item, found in zip(representations, cached, strict=True) if found is None]
        if missing:
            await self._fetch_entities(fetch, variables, missing, run, cache)

    async def _fetch_entities(
        self,
        fetch: FetchNode,
        variables: dict[str, Any],
        representations: list[Representation],
        run: _Run,
        cache: EntityCache | None,
    ) -> None:
        batches = _batches(representations, self.fetcher.max_representations(fetch.service_name))
        trace.get_current_span().set_attribute("gocart.fetch.batches", len(batches))
        if len(batches) == 1:
            outcomes = [await self._entity_batch(fetch, variables, batches[0], run)]
        else:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._entity_batch(fetch, variables, b, run)) for b in batches]
            outcomes = [task.result() for task in tasks]
        reported: set[str] = set()
        for batch, outcome in zip(batches, outcomes, strict=True):
            if isinstance(outcome, SubgraphFetchError):
                if str(outcome) not in reported:  # one error per distinct failure, not one per batch
                    reported.add(str(outcome))
                    run.errors.append(fetch_failure(fetch.service_name, str(outcome)))
                run.touched(NO_STORE)
            else:
                response = outcome.body
                policy = parse_cache_control(outcome.cache_control)
                run.touched(policy if not response.get("errors") else NO_STORE)
                if cache is not None and policy.storable and not response.get("errors"):
                    await self._keep_entities(cache, fetch, variables, batch, response, policy, run)
                self._merge_entities(fetch, batch, response, run)

    async def _keep_entities(
        self,
        cache: EntityCache,
        fetch: FetchNode,
        variables: dict[str, Any],
        batch: list[Representation],
        response: dict[str, Any],
        policy: CachePolicy,
        run: _Run,
    ) -> None:
        data = response.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        if not isinstance(entities, list) or len(entities) != len(batch):
            return
        refs = entity_refs(self.entity_keys, fetch, variables, batch)
        items = [
            (ref, entity) for ref, entity in zip(refs, entities, strict=True) if isinstance(entity, dict)
        ]
        await cache.put_entities(fetch.service_name, items, policy, run.scope)

    async def _entity_batch(
        self, fetch: FetchNode, variables: dict[str, Any], batch: list[Representation], run: _Run
    ) -> SubgraphResponse | SubgraphFetchError:
        batch_variables = {**variables, "representations": [item.value for item in batch]}
        try:
            return await self._request(fetch, batch_variables, run)
        except SubgraphFetchError as error:
            return error

    def _merge_entities(
        self, fetch: FetchNode, batch: list[Representation], response: dict[str, Any], run: _Run
    ) -> None:
        undo_renames(response, fetch.renames)
        entity_paths = [representation.targets[0][1] for representation in batch]
        run.errors.extend(
            client_error(error, fetch.service_name, entity_paths, fetch.renames)
            for error in response.get("errors") or ()
        )
        data = response.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        if not isinstance(entities, list):
            return
        for representation, entity in zip(batch, entities, strict=False):
            if isinstance(entity, dict):
                for target, _ in representation.targets:
                    deep_merge(target, entity, self.interfaces)


def _node_span(node: PlanNode) -> tuple[str, dict[str, str]]:
    """The name and attributes of a plan node's span: `plan.fetch` (its subgraph and operation),
    `plan.flatten` (its path), `plan.sequence`, `plan.parallel`, `plan.condition`."""
    if isinstance(node, FetchNode):
        attributes = {
            "gocart.subgraph.name": node.service_name,
            "graphql.operation.type": node.operation_kind,
        }
        if node.operation_name:
            attributes["graphql.operation.name"] = node.operation_name
        return "plan.fetch", attributes
    if isinstance(node, FlattenNode):
        return "plan.flatten", {"gocart.plan.path": ".".join(node.path)}
    if isinstance(node, ConditionNode):
        return "plan.condition", {"gocart.plan.condition": node.condition}
    return ("plan.sequence" if isinstance(node, SequenceNode) else "plan.parallel"), {}


def _batches(representations: list[Representation], limit: int | None) -> list[list[Representation]]:
    """`representations` in order, cut into lists of at most `limit` (one list when there is no limit)."""
    if limit is None or len(representations) <= limit:
        return [representations]
    return [representations[start : start + limit] for start in range(0, len(representations), limit)]
