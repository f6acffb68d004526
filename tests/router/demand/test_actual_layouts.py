"""The measure compiles each selection set once per call: its figures are those of the direct walk, which
re-collects the fields and re-coerces the arguments for every object (kept here as the reference)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from graphql import (
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
    is_composite_type,
)

from router.demand.cost import (
    ROUTER_ANSWERED_FIELDS,
    _Composite,
    _Measure,
    _root_field_cost,
    _Rules,
    _rules,
    _unwrap_non_null,
    actual_cost,
)
from router.plan.selection import Field, Selection
from router.supergraph import FieldDef
from tests.router.demand.library import LIBRARY, operation


def _reference_object(
    rules: _Rules,
    parent: GraphQLNamedType,
    value: dict[str, Any],
    selections: tuple[Selection, ...],
    field_base: int = 0,
) -> int:
    grouped: dict[str, tuple[_Composite, list[Field]]] = {}
    typename = parent.name if isinstance(parent, GraphQLObjectType) else value.get("__typename")
    _Measure(rules)._collect(parent, typename, selections, grouped)
    total = 0
    for key, (declared_on, fields) in grouped.items():
        name = fields[0].name
        definition = declared_on.fields.get(name)
        if key not in value or name in ROUTER_ANSWERED_FIELDS or definition is None:
            continue
        declared = rules.declared(declared_on.name, name)
        children = tuple(child for field in fields for child in field.selections)
        values = rules.argument_values(fields[0], definition)
        total += (
            field_base
            + _reference_value(rules, definition.type, value[key], children, declared)
            + rules.arguments_cost(definition, declared, values)
        )
    return total


def _reference_value(
    rules: _Rules,
    type_: GraphQLOutputType,
    value: Any,
    selections: tuple[Selection, ...],
    declared: FieldDef | None,
) -> int:
    if value is None:
        return 0
    type_ = _unwrap_non_null(type_)
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else []
        return sum(_reference_value(rules, type_.of_type, item, selections, declared) for item in items)
    named = get_named_type(type_)
    weight = rules.weight(declared, named)
    if not is_composite_type(named) or not isinstance(value, dict):
        return weight
    typename = value.get("__typename")
    runtime = rules.schema.get_type(typename) if isinstance(typename, str) else None
    return weight + _reference_object(
        rules, runtime if isinstance(runtime, GraphQLObjectType) else named, value, selections
    )


def reference_cost(query: str, variables: Mapping[str, Any], data: dict[str, Any]) -> int:
    op = operation(LIBRARY, query)
    root = LIBRARY.api_schema.get_type(op.root_type)
    assert isinstance(root, GraphQLObjectType)
    return _reference_object(_rules(LIBRARY, variables), root, data, op.selections, _root_field_cost(op))


BOOKS = [{"id": str(n), "title": f"T{n}", "author": {"name": f"A{n}"} if n % 3 else None} for n in range(40)]
MEDIA = [
    {"__typename": "Movie", "id": "m1", "director": {"name": "Ozu"}},
    {"__typename": "Album", "id": "a1", "artist": {"name": "Nina"}},
    {"__typename": "Movie", "id": "m2", "director": None},
    {"id": "x"},
]

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("{ books { id title author { name } } }", {}, {"books": BOOKS}),
    ("{ a: books { id } b: books { author { name } } }", {}, {"a": BOOKS, "b": BOOKS}),
    (
        "query ($more: Boolean!) { books { id ... @include(if: $more) { author { name } } } }",
        {"more": True},
        {"books": BOOKS},
    ),
    (
        "query ($more: Boolean!) { books { id author @skip(if: $more) { name } } }",
        {"more": True},
        {"books": BOOKS},
    ),
    (
        "{ media { __typename id ... on Movie { director { name } } ... on Album { artist { name } } } }",
        {},
        {"media": MEDIA * 5},
    ),
    (
        "query ($text: String) { search(text: $text) { id } shelf(first: 3) { author { name } } }",
        {"text": "emma"},
        {"search": BOOKS[:4], "shelf": BOOKS[:3]},
    ),
    (
        "query ($f: BookFilter) { filtered(filter: $f) { title } page(first: 2) { edges { node { id } } } }",
        {"f": {"title": "Emma", "year": 1815}},
        {"filtered": BOOKS[:2], "page": {"edges": [{"node": b} for b in BOOKS[:2]], "total": 2}},
    ),
    ('mutation { addBook(title: "Emma") { id author { name } } }', {}, {"addBook": BOOKS[1]}),
    ("{ rarity { grade } recommendation version }", {}, {"rarity": {"grade": "A"}, "recommendation": 1}),
    (
        "{ books { ratings } }",
        {},
        {"books": [{"ratings": [[1, None, 3], None, [], 4]}, {"ratings": None}, {"ratings": 5}]},
    ),
]


@pytest.mark.parametrize(("query", "variables", "data"), CASES)
def test_the_compiled_measure_equals_the_direct_walk(
    query: str, variables: dict[str, Any], data: dict[str, Any]
) -> None:
    expected = reference_cost(query, variables, data)
    assert actual_cost(LIBRARY, operation(LIBRARY, query), variables, data) == expected


def test_a_list_compiles_its_selection_set_once() -> None:
    op = operation(LIBRARY, "{ books { id author { name } } }")
    measure = _Measure(_rules(LIBRARY, {}))
    root = LIBRARY.api_schema.get_type("Query")
    assert isinstance(root, GraphQLObjectType)
    measure.object(root, {"books": BOOKS}, op.selections)
    assert len(measure.layouts) == 3  # the root, one `Book`, one `Author`, however many books
