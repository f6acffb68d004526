"""The cost measured on a response: the estimation's rules over the data, with the lists' real lengths."""

from __future__ import annotations

from tests.router.demand.library import measure


def test_a_list_costs_its_real_length() -> None:
    data = {"books": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}
    assert measure("{ books { id } }", data) == 3


def test_a_null_costs_nothing() -> None:
    data = {"books": [{"author": {"name": "Austen"}}, {"author": None}]}
    assert measure("{ books { author { name } } }", data) == (1 + 1) + 1


def test_declared_weights_count_per_value() -> None:
    assert (
        measure("{ recommendation rarity { grade } }", {"recommendation": 3, "rarity": {"grade": "A"}}) == 65
    )


def test_a_mutation_root_field_costs_ten_more() -> None:
    assert measure('mutation { addBook(title: "Emma") { id } }', {"addBook": {"id": "9"}}) == 10 + 1


def test_arguments_count_once_per_field() -> None:
    assert measure('{ search(text: "emma") { id } }', {"search": [{"id": "1"}, {"id": "2"}]}) == 2 + 7


def test_a_response_key_asked_twice_counts_once() -> None:
    query = '{ book(id: "1") { title } book(id: "1") { author { name } } }'
    data = {"book": {"title": "Emma", "author": {"name": "Austen"}}}
    assert measure(query, data) == 1 + 1


def test_fragments_count_for_the_objects_they_apply_to() -> None:
    query = "{ media { __typename ... on Movie { director { name } } ... on Album { artist { name } } } }"
    data = {
        "media": [
            {"__typename": "Movie", "director": {"name": "Ozu"}},
            {"__typename": "Album", "artist": None},
        ]
    }
    assert measure(query, data) == (1 + 1) + 1


def test_no_data_costs_nothing() -> None:
    assert measure("{ books { id } }", None) == 0
