"""Normalizing operations: choosing the operation, inlining fragments, applying constant conditions."""

import pytest
from graphql import parse

from router.errors import BadRequest
from router.plan.operation import conditionals
from router.plan.selection import Field, InlineFragment, print_compact
from router.planner.normalize import normalize_operation, parse_field_set

ROOTS = {"query": "Query", "mutation": "Mutation"}


def test_named_fragments_become_inline_fragments() -> None:
    document = parse("query Q { a { ...F } } fragment F on A { b }")
    operation = normalize_operation(document, None, ROOTS)
    assert print_compact(operation.selections) == "{ a { ... on A { b } } }"


def test_constant_conditions_are_applied_and_variable_ones_kept() -> None:
    document = parse("query ($v: Boolean!) { a @skip(if: false) b @include(if: false) c @include(if: $v) }")
    operation = normalize_operation(document, None, ROOTS)
    assert print_compact(operation.selections) == "{ a c @include(if: $v) }"
    field = operation.selections[1]
    assert isinstance(field, Field)
    assert [(c.variable, c.passes_when) for c in conditionals(field.directives)] == [("v", True)]


def test_operation_is_chosen_by_name() -> None:
    document = parse("query A { a } mutation B { b }")
    operation = normalize_operation(document, "B", ROOTS)
    assert (operation.kind, operation.name, operation.root_type) == ("mutation", "B", "Mutation")


def test_unknown_operation_name_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="Unknown operation"):
        normalize_operation(parse("query A { a }"), "Z", ROOTS)


def test_several_operations_need_a_name() -> None:
    with pytest.raises(BadRequest, match="operation name"):
        normalize_operation(parse("query A { a } query B { b }"), None, ROOTS)


def test_field_sets_parse_nested_selections_and_fragments() -> None:
    selections = parse_field_set("id org { id } ... on Book { isbn }")
    assert print_compact(selections) == "{ id org { id } ... on Book { isbn } }"
    assert isinstance(selections[2], InlineFragment)
