"""A list of a union whose members share a response key: `Book.author` and `Movie.author` are both `Person`,
but only the books' authors need the people subgraph (for `bio`)."""

from testbed.sdl import supergraph_sdl

TYPE_CONDITIONS = supergraph_sdl(
    {"catalog": "http://catalog/graphql", "people": "http://people/graphql"},
    """
type Query @join__type(graph: CATALOG) @join__type(graph: PEOPLE) {
  media: [Media] @join__field(graph: CATALOG)
}

union Media
  @join__type(graph: CATALOG)
  @join__unionMember(graph: CATALOG, member: "Book")
  @join__unionMember(graph: CATALOG, member: "Movie")
= Book | Movie

type Book @join__type(graph: CATALOG) {
  title: String
  author: Person
}

type Movie @join__type(graph: CATALOG) {
  title: String
  author: Person
}

type Person @join__type(graph: CATALOG, key: "id") @join__type(graph: PEOPLE, key: "id") {
  id: ID!
  name: String @join__field(graph: CATALOG)
  bio: String @join__field(graph: PEOPLE)
}
""",
)
