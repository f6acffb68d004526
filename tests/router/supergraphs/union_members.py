"""Shareable fields returning unions whose members differ per subgraph, and fields narrowed per subgraph.

`Media` is `Book | Song` in `a` and `Book | Movie` in `b`. `book` is typed `Book` in `a` but `Media` in
`b` (`@join__field(type:)`), so a fetch to `a` must not carry `... on Song` under it.
"""

from testbed.sdl import supergraph_sdl

UNION_MEMBERS = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  media: Media @join__field(graph: A) @join__field(graph: B)
  aMedia: Media @join__field(graph: A)
  book: Media @join__field(graph: A, type: "Book") @join__field(graph: B, type: "Media")
  song: Media @join__field(graph: A)
  viewer: Viewer @join__field(graph: A) @join__field(graph: B)
}

union Media
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Song")
  @join__unionMember(graph: B, member: "Book")
  @join__unionMember(graph: B, member: "Movie")
  = Book | Song | Movie

type Book @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  title: String!
  aTitle: String! @join__field(graph: A)
  bTitle: String! @join__field(graph: B)
}

type Song @join__type(graph: A, key: "id") {
  id: ID!
  title: String!
}

type Movie @join__type(graph: B, key: "id") {
  id: ID!
  title: String!
}

type Viewer @join__type(graph: A) @join__type(graph: B) {
  aMedia: Media @join__field(graph: A)
  bMedia: Media @join__field(graph: B)
  book: Media @join__field(graph: A, type: "Book") @join__field(graph: B, type: "Media")
}
""",
)

NARROWED_IN_ENTITY = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  movies: [Movie] @join__field(graph: B)
}

union Media
  @join__type(graph: A)
  @join__type(graph: C)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Song")
  @join__unionMember(graph: C, member: "Book")
  @join__unionMember(graph: C, member: "Song")
  = Book | Song

type Book @join__type(graph: A) @join__type(graph: C) {
  title: String
  pages: Int @join__field(graph: A)
}

type Song @join__type(graph: A) @join__type(graph: C) {
  title: String
}

type Movie @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") @join__type(graph: C, key: "id") {
  id: ID!
  poster: Media @join__field(graph: A, type: "Book") @join__field(graph: C, type: "Media")
}
""",
)
"""`Movie.poster` is shareable between `a` (typed `Book`) and `c` (typed `Media`), and reached from `b`
through an entity fetch: the entity fetch to `a` selects against `Book` too. Only `a` has `Book.pages`."""
