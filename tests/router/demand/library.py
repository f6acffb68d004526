"""A one-subgraph library supergraph declaring costs as composition writes them, and helpers to cost
operations against it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import parse, validate

from router.demand import actual_cost, estimate_cost
from router.plan.operation import Operation
from router.planner.normalize import normalize_operation
from router.supergraph import Supergraph, parse_supergraph
from testbed.sdl import supergraph_sdl

COST_LINK = '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])'

COST_DIRECTIVES = """
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION \
| OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], \
requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
"""

TYPES = """
type Query @join__type(graph: LIBRARY) {
  version: String
  book(id: ID!): Book
  books: [Book!]!
  bestsellers: [Book!]! @listSize(assumedSize: 3)
  shelf(first: Int, last: Int): [Book!]!
    @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
  strictShelf(first: Int, last: Int): [Book!]! @listSize(slicingArguments: ["first", "last"])
  page(first: Int = 5): BookConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges"])
  search(text: String @cost(weight: 7)): [Book!]! @listSize(assumedSize: 1)
  filtered(filter: BookFilter): [Book!]! @listSize(assumedSize: 1)
  recommendation: Int @cost(weight: 40)
  rarity: Rarity
  media: [Media!]!
}

type Mutation @join__type(graph: LIBRARY) {
  addBook(title: String!): Book
  removeBook(id: ID!): Boolean
}

type Book @join__type(graph: LIBRARY, key: "id") {
  id: ID!
  title: String
  author: Author
  ratings: [[Int]] @cost(weight: 2)
}

type Author @join__type(graph: LIBRARY) {
  name: String
}

type Rarity @join__type(graph: LIBRARY) @cost(weight: 25) {
  grade: String
}

type BookConnection @join__type(graph: LIBRARY) {
  edges: [BookEdge!]!
  total: Int
}

type BookEdge @join__type(graph: LIBRARY) {
  node: Book!
}

input BookFilter @join__type(graph: LIBRARY) {
  title: String @cost(weight: 3)
  year: Int
}

interface Media @join__type(graph: LIBRARY) {
  id: ID!
}

type Movie implements Media @join__type(graph: LIBRARY) @join__implements(graph: LIBRARY, interface: "Media") {
  id: ID!
  director: Author
}

type Album implements Media @join__type(graph: LIBRARY) @join__implements(graph: LIBRARY, interface: "Media") {
  id: ID!
  artist: Author
}
"""


def library(types: str = TYPES, *, link: str = COST_LINK) -> Supergraph:
    sdl = supergraph_sdl({"library": "http://library/graphql"}, COST_DIRECTIVES + types, links=(link,))
    return parse_supergraph(sdl)


LIBRARY = library()


def operation(supergraph: Supergraph, query: str) -> Operation:
    """The query, validated against the API schema and normalized as the gateway does."""
    document = parse(query)
    assert validate(supergraph.api_schema, document) == []
    roots = {"query": supergraph.query_type}
    if supergraph.mutation_type is not None:
        roots["mutation"] = supergraph.mutation_type
    return normalize_operation(document, None, roots)


def estimate(
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    default_list_size: int = 10,
    supergraph: Supergraph = LIBRARY,
) -> int:
    return estimate_cost(supergraph, operation(supergraph, query), variables or {}, default_list_size)


def measure(query: str, data: Any, variables: Mapping[str, Any] | None = None) -> int:
    return actual_cost(LIBRARY, operation(LIBRARY, query), variables or {}, data)
