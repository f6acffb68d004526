"""`@cost` and `@listSize` in a supergraph are read into the model, under whatever names its `@link` gives."""

from __future__ import annotations

from router.supergraph import FieldDef, Supergraph
from router.supergraph.model import ListSize
from tests.router.demand.library import LIBRARY, library

RENAMED_TYPES = """
type Query @join__type(graph: LIBRARY) {
  shelf(first: Int): [Shelf!]! @price(weight: 2) @size(slicingArguments: ["first"])
  plain: [Shelf!]! @cost__listSize(assumedSize: 4)
}

type Shelf @join__type(graph: LIBRARY) {
  id: ID
}
"""


def query_field(supergraph: Supergraph, name: str) -> FieldDef:
    found = supergraph.field("Query", name)
    assert found is not None
    return found


def test_list_size_of_a_field() -> None:
    assert query_field(LIBRARY, "page").list_size == ListSize(
        slicing_arguments=("first",), sized_fields=("edges",)
    )


def test_weight_of_a_field() -> None:
    assert query_field(LIBRARY, "recommendation").weight == 40


def test_weight_of_an_argument() -> None:
    assert query_field(LIBRARY, "search").argument_weights == {"text": 7}


def test_weight_of_a_type() -> None:
    assert LIBRARY.type("Rarity").weight == 25


def test_weight_of_an_input_field() -> None:
    assert LIBRARY.type("BookFilter").input_field_weights == {"title": 3}


def test_fields_without_declarations_have_none() -> None:
    book = query_field(LIBRARY, "book")
    assert (book.weight, book.list_size, dict(book.argument_weights)) == (None, None, {})


def test_directives_renamed_by_the_link_are_read() -> None:
    link = (
        '@link(url: "https://specs.apollo.dev/cost/v0.1", as: "price", '
        'import: [{ name: "@listSize", as: "@size" }])'
    )
    shelf = query_field(library(RENAMED_TYPES, link=link), "shelf")
    assert shelf.weight == 2
    assert shelf.list_size == ListSize(slicing_arguments=("first",))


def test_a_directive_not_imported_is_namespaced() -> None:
    plain = query_field(
        library(RENAMED_TYPES, link='@link(url: "https://specs.apollo.dev/cost/v0.1")'), "plain"
    )
    assert plain.list_size == ListSize(assumed_size=4)


def test_cost_directives_are_ignored_without_the_cost_link() -> None:
    unlinked = library(link='@link(url: "https://specs.apollo.dev/tag/v0.3")')
    assert query_field(unlinked, "recommendation").weight is None
    assert query_field(unlinked, "page").list_size is None


def test_cost_directives_stay_out_of_the_api_schema() -> None:
    assert LIBRARY.api_schema.get_directive("cost") is None
    assert LIBRARY.api_schema.get_directive("listSize") is None
