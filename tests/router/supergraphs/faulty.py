"""A library whose subgraphs fail on purpose, to check that errors point at the client's document.

`shelves` owns shelves, books and magazines (book "lost" raises, a magazine's title and book b3's
blurb raise); `reviews` adds reviews to books (the second review of book b4 fails) and a teaser that
requires the blurb.
"""

from testbed.sdl import supergraph_sdl

FAULTY = supergraph_sdl(
    {"shelves": "http://shelves/graphql", "reviews": "http://reviews/graphql"},
    """
type Query @join__type(graph: SHELVES) @join__type(graph: REVIEWS) {
  shelves: [Shelf!]! @join__field(graph: SHELVES)
  book(id: ID!): Book @join__field(graph: SHELVES)
  items: [Item] @join__field(graph: SHELVES)
}

type Shelf @join__type(graph: SHELVES) {
  name: String
  books: [Book!]!
}

type Book @join__type(graph: SHELVES, key: "id") @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  title: String @join__field(graph: SHELVES)
  blurb: String @join__field(graph: SHELVES) @join__field(graph: REVIEWS, external: true)
  reviews: [Review!] @join__field(graph: REVIEWS)
  teaser: String @join__field(graph: REVIEWS, requires: "blurb")
}

type Magazine @join__type(graph: SHELVES) {
  title: String
}

union Item @join__type(graph: SHELVES) @join__unionMember(graph: SHELVES, member: "Book")
  @join__unionMember(graph: SHELVES, member: "Magazine") = Book | Magazine

type Review @join__type(graph: REVIEWS) {
  body: String
  stars: Int
}
""",
)
