"""Operation names as metric labels stay bounded, whatever clients send."""

from __future__ import annotations

from observability.names import ANONYMOUS, OTHER, BoundedNames


def test_the_first_names_up_to_the_limit_are_their_own_label() -> None:
    names = BoundedNames(limit=2)

    assert [names.label(name) for name in ("Storefront", "Checkout", "Storefront")] == [
        "Storefront",
        "Checkout",
        "Storefront",
    ]


def test_names_beyond_the_limit_are_other() -> None:
    names = BoundedNames(limit=2)
    names.label("Storefront")
    names.label("Checkout")

    assert names.label("Search") == OTHER


def test_known_names_never_count_against_the_limit() -> None:
    names = BoundedNames(["Checkout"], limit=1)
    names.label("Storefront")

    assert (names.label("Checkout"), names.label("Search")) == ("Checkout", OTHER)


def test_an_operation_without_a_name_is_anonymous() -> None:
    assert BoundedNames().label(None) == ANONYMOUS


def test_what_is_no_graphql_name_is_other_and_takes_no_place() -> None:
    names = BoundedNames(limit=1)

    assert names.label("not a name; DROP TABLE") == OTHER
    assert names.label("x" * 65) == OTHER
    assert names.label("Storefront") == "Storefront"
