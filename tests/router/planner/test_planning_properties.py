"""Properties every plan must have, checked on seeded random operations over every test supergraph.

Each generated operation is valid against the API schema. Planning it must succeed, be deterministic,
and produce subgraph operations that parse. Where the test subgraphs' own schemas are at hand, every
fetch must also be valid against the schema of the subgraph it goes to, and supergraphs where some
fields have no route (`@external` only) may refuse an operation, but only naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from graphql import parse, validate

from router.errors import PlanningError
from router.plan.nodes import FetchNode, PlanNode
from router.plan.printer import print_plan
from router.plan.selection import Field, InlineFragment, Selection, print_arguments
from router.planner import QueryPlanner
from router.supergraph import parse_supergraph
from testbed.shop_supergraph import SHOP
from tests.router.executor.context_subgraphs import context_apps
from tests.router.executor.external_node_subgraphs import external_node_apps
from tests.router.executor.interface_object_only_subgraphs import interface_object_only_apps
from tests.router.executor.mismatch_subgraphs import mismatch_apps
from tests.router.executor.type_conditions_subgraphs import type_conditions_apps
from tests.router.executor.union_members_subgraphs import union_members_apps
from tests.router.operations import RandomOperations
from tests.router.supergraphs.abstract import ABSTRACT
from tests.router.supergraphs.complex_keys import COMPLEX_KEYS
from tests.router.supergraphs.context import CONTEXT
from tests.router.supergraphs.distributed import DISTRIBUTED
from tests.router.supergraphs.external_node import EXTENSION_KEY, EXTERNAL_NODE
from tests.router.supergraphs.federation1 import FEDERATION1
from tests.router.supergraphs.interface_object_only import INTERFACE_OBJECT_ONLY
from tests.router.supergraphs.keys import KEYS
from tests.router.supergraphs.mismatch import MISMATCH
from tests.router.supergraphs.mixed import MIXED
from tests.router.supergraphs.parent_entity import PARENT_ENTITY, PARENT_ENTITY_DEEP
from tests.router.supergraphs.provides_abstract import PROVIDES_ABSTRACT
from tests.router.supergraphs.provides_choice import PROVIDES_CHOICE
from tests.router.supergraphs.requires import REQUIRES, REQUIRES_ARGUMENTS
from tests.router.supergraphs.shareable import (
    PROGRESSIVE_OVERRIDE,
    ROOT_DEAD_END,
    SHAREABLE,
    SHARED_ROOT,
    UNREACHABLE_FROM_ONE_SIDE,
)
from tests.router.supergraphs.type_conditions import TYPE_CONDITIONS
from tests.router.supergraphs.union_members import UNION_MEMBERS

pytestmark = pytest.mark.slow  # plans hundreds of generated operations per supergraph

SUPERGRAPHS = {
    "shop": SHOP,
    "keys": KEYS,
    "complex_keys": COMPLEX_KEYS,
    "shareable": SHAREABLE,
    "shared_root": SHARED_ROOT,
    "root_dead_end": ROOT_DEAD_END,
    "progressive_override": PROGRESSIVE_OVERRIDE,
    "unreachable_from_one_side": UNREACHABLE_FROM_ONE_SIDE,
    "abstract": ABSTRACT,
    "requires": REQUIRES,
    "requires_arguments": REQUIRES_ARGUMENTS,
    "federation1": FEDERATION1,
    "parent_entity": PARENT_ENTITY,
    "parent_entity_deep": PARENT_ENTITY_DEEP,
    "mismatch": MISMATCH,
    "distributed": DISTRIBUTED,
    "mixed": MIXED,
    "provides_abstract": PROVIDES_ABSTRACT,
    "union_members": UNION_MEMBERS,
    "extension_key": EXTENSION_KEY,
    "provides_choice": PROVIDES_CHOICE,
    "type_conditions": TYPE_CONDITIONS,
}
OPERATIONS_PER_SUPERGRAPH = 40


def _fetches(node: PlanNode | None) -> list[FetchNode]:
    if node is None:
        return []
    if isinstance(node, FetchNode):
        return [node]
    children: list[PlanNode | None] = []
    if hasattr(node, "nodes"):
        children.extend(node.nodes)
    if hasattr(node, "node"):
        children.append(node.node)
    children.extend([getattr(node, "if_clause", None), getattr(node, "else_clause", None)])
    return [fetch for child in children for fetch in _fetches(child)]


@pytest.mark.parametrize("name", list(SUPERGRAPHS))
def test_random_operations_plan_deterministically_into_valid_fetches(name: str) -> None:
    supergraph = parse_supergraph(SUPERGRAPHS[name])
    query_type = supergraph.api_schema.query_type
    assert query_type is not None
    generator = RandomOperations(seed=sum(map(ord, name)), schema=supergraph.api_schema)
    planned = 0
    for _ in range(OPERATIONS_PER_SUPERGRAPH):
        document = parse(generator.operation(query_type))
        if validate(supergraph.api_schema, document):
            continue
        first = QueryPlanner(supergraph).build(document)
        second = QueryPlanner(supergraph).build(document)
        assert print_plan(first) == print_plan(second)
        for fetch in _fetches(first.node):
            parse(fetch.operation)
        planned += 1
    assert planned >= OPERATIONS_PER_SUPERGRAPH // 2


SubgraphApps = Callable[[], Mapping[str, Any]]
WITH_SUBGRAPH_SCHEMAS: dict[str, tuple[str, SubgraphApps, int]] = {
    "union_members": (UNION_MEMBERS, union_members_apps, OPERATIONS_PER_SUPERGRAPH // 4),
    "external_node": (EXTERNAL_NODE, external_node_apps, OPERATIONS_PER_SUPERGRAPH // 8),
    "interface_object_only": (INTERFACE_OBJECT_ONLY, interface_object_only_apps, 1),
    "mismatch": (MISMATCH, mismatch_apps, OPERATIONS_PER_SUPERGRAPH // 2),
    "context": (CONTEXT, context_apps, OPERATIONS_PER_SUPERGRAPH // 4),
    "type_conditions": (TYPE_CONDITIONS, type_conditions_apps, OPERATIONS_PER_SUPERGRAPH // 2),
}
"""Supergraph, its subgraphs' apps, and how many of the random operations must plan at least (the rest
may be refused: random selections often touch the fields these supergraphs leave without a route)."""
_FIELD_COORDINATE = re.compile(r"\b[A-Z]\w*\.\w+\b")


@pytest.mark.parametrize("name", list(WITH_SUBGRAPH_SCHEMAS))
def test_random_operations_plan_into_fetches_each_subgraph_accepts(name: str) -> None:
    sdl, apps, minimum = WITH_SUBGRAPH_SCHEMAS[name]
    supergraph = parse_supergraph(sdl)
    schemas = {graph: app.schema._schema for graph, app in apps().items()}
    query_type = supergraph.api_schema.query_type
    assert query_type is not None
    generator = RandomOperations(seed=sum(map(ord, name)), schema=supergraph.api_schema)
    planned = 0
    for _ in range(OPERATIONS_PER_SUPERGRAPH):
        document = parse(generator.operation(query_type))
        if validate(supergraph.api_schema, document):
            continue
        refusal: str | None = None
        try:
            plan = QueryPlanner(supergraph).build(document)
        except PlanningError as error:
            refusal = str(error)
        if refusal is not None:
            assert _FIELD_COORDINATE.search(refusal), refusal
            continue
        for fetch in _fetches(plan.node):
            errors = validate(schemas[fetch.service_name], parse(fetch.operation))
            assert not errors, (fetch.service_name, fetch.operation, [e.message for e in errors])
        planned += 1
    assert planned >= minimum


def _clashes(selections: tuple[Selection, ...]) -> list[str]:
    """Response keys one selection level gives to two different fields (name or arguments), at any depth.

    Fragments are checked on their own: under different type conditions one key may carry other fields.
    """
    found: list[str] = []
    heads: dict[str, str] = {}
    for selection in selections:
        if isinstance(selection, InlineFragment):
            found.extend(_clashes(selection.selections))
            continue
        head = selection.name + print_arguments(selection.arguments)
        if heads.setdefault(selection.response_key, head) != head:
            found.append(f"{selection.response_key}: {heads[selection.response_key]} / {head}")
        found.extend(_clashes(selection.selections))
    return found


def _representation_clashes(requires: tuple[Selection, ...]) -> list[str]:
    """Fields a representation would carry twice under one name, with different arguments."""
    found: list[str] = []
    for fragment in requires:
        heads: dict[str, str] = {}
        for selection in fragment.selections:
            if isinstance(selection, Field):
                head = selection.name + print_arguments(selection.arguments)
                if heads.setdefault(selection.name, head) != head:
                    found.append(f"{selection.name}: {heads[selection.name]} / {head}")
    return found


@pytest.mark.parametrize("name", list(SUPERGRAPHS))
def test_random_operations_never_ask_one_key_for_two_fields(name: str) -> None:
    """Also for required fields with arguments: each argument set gets its own key and representation."""
    supergraph = parse_supergraph(SUPERGRAPHS[name])
    query_type = supergraph.api_schema.query_type
    assert query_type is not None
    generator = RandomOperations(seed=sum(map(ord, name)) + 1, schema=supergraph.api_schema)
    planner = QueryPlanner(supergraph)
    for _ in range(OPERATIONS_PER_SUPERGRAPH):
        document = parse(generator.operation(query_type))
        if validate(supergraph.api_schema, document):
            continue
        try:
            plan = planner.build(document)
        except PlanningError:
            continue  # supergraphs with fields no route reaches refuse some operations; checked above
        for fetch in _fetches(plan.node):
            assert _clashes(fetch.selections) == [], fetch.operation
            assert _representation_clashes(fetch.requires) == [], fetch.operation
