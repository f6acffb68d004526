"""The estimated cost of an operation, one static-estimation rule per test (docs/router.md, Demand control)."""

from __future__ import annotations

import pytest

from router.demand import CostEstimationFailed
from tests.router.demand.library import estimate


def test_a_leaf_field_costs_nothing() -> None:
    assert estimate("{ version }") == 0


def test_an_object_costs_one_plus_its_selections() -> None:
    assert estimate('{ book(id: "1") { title author { name } } }') == 2


def test_a_list_without_list_size_has_the_default_size() -> None:
    assert estimate("{ books { id } }", default_list_size=7) == 7


def test_a_list_costs_its_size_times_one_item() -> None:
    assert estimate("{ books { author { name } } }", default_list_size=10) == 10 * (1 + 1)


def test_assumed_size_replaces_the_default() -> None:
    assert estimate("{ bestsellers { id } }", default_list_size=100) == 3


def test_a_slicing_argument_given_as_a_literal_sizes_the_list() -> None:
    assert estimate("{ shelf(first: 4) { id } }") == 4


def test_a_slicing_argument_given_as_a_variable_sizes_the_list() -> None:
    assert estimate("query ($n: Int) { shelf(first: $n) { id } }", {"n": 6}) == 6


def test_an_unset_slicing_argument_falls_back_to_the_default_size() -> None:
    assert estimate("query ($n: Int) { shelf(first: $n) { id } }", {}, default_list_size=8) == 8


def test_the_largest_slicing_argument_wins() -> None:
    assert estimate("{ shelf(first: 2, last: 9) { id } }") == 9


def test_a_slicing_argument_default_sizes_the_list() -> None:
    assert estimate("{ page { edges { node { id } } } }") == 1 + 5 * (1 + 1)


def test_sized_fields_take_the_size_of_their_parent() -> None:
    assert estimate("{ page(first: 3) { edges { node { id } } } }") == 1 + 3 * (1 + 1)


def test_a_negative_slicing_argument_counts_as_an_empty_list() -> None:
    assert estimate("{ shelf(first: -50) { author { name } } }") == 0


def test_exactly_one_slicing_argument_when_the_field_requires_it() -> None:
    assert estimate("{ strictShelf(last: 2) { id } }") == 2
    with pytest.raises(CostEstimationFailed) as refused:
        estimate("{ strictShelf(first: 1, last: 2) { id } }")
    assert refused.value.code == "COST_QUERY_PARSE_FAILURE"


def test_every_root_field_of_a_mutation_costs_ten_more() -> None:
    assert estimate('mutation { addBook(title: "Emma") { id } }') == 10 + 1
    assert estimate('mutation { addBook(title: "Emma") { id } removeBook(id: "1") }') == (10 + 1) + 10


def test_cost_on_a_field_replaces_its_weight() -> None:
    assert estimate("{ recommendation }") == 40


def test_cost_on_a_type_is_the_weight_of_its_fields() -> None:
    assert estimate("{ rarity { grade } }") == 25


def test_an_argument_with_a_cost_adds_it_when_given() -> None:
    assert estimate('{ search(text: "emma") { id } }') == 1 + 7
    assert estimate("{ search { id } }") == 1


def test_an_input_object_costs_one_plus_its_fields() -> None:
    assert estimate('{ filtered(filter: { title: "Emma", year: 1815 }) { id } }') == 1 + (1 + 3)


def test_an_input_object_given_as_a_variable_costs_the_same() -> None:
    query = "query ($filter: BookFilter) { filtered(filter: $filter) { id } }"
    assert estimate(query, {"filter": {"title": "Emma"}}) == 1 + (1 + 3)


def test_a_selection_skipped_by_a_variable_costs_nothing() -> None:
    query = 'query ($with: Boolean!) { book(id: "1") @include(if: $with) { id } }'
    assert estimate(query, {"with": False}) == 0
    assert estimate(query, {"with": True}) == 1


def test_fields_the_router_answers_itself_cost_nothing() -> None:
    assert estimate("{ __typename __schema { types { name fields { name } } } }") == 0


def test_fragments_on_an_abstract_type_all_count() -> None:
    query = "{ media { ... on Movie { director { name } } ... on Album { artist { name } } } }"
    assert estimate(query, default_list_size=2) == 2 * (1 + 1 + 1)


def test_named_fragments_count_like_their_fields() -> None:
    query = "{ books { ...Writer } } fragment Writer on Book { author { name } }"
    assert estimate(query, default_list_size=3) == 3 * (1 + 1)
