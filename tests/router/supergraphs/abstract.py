"""Interfaces and unions whose members live in different subgraphs, and an @interfaceObject."""

from testbed.sdl import supergraph_sdl

ABSTRACT = supergraph_sdl(
    {"media": "http://media/graphql", "books": "http://books/graphql", "ratings": "http://ratings/graphql"},
    """
type Query @join__type(graph: MEDIA) @join__type(graph: BOOKS) @join__type(graph: RATINGS) {
  library: [Media] @join__field(graph: MEDIA)
  search(text: String!): [Result] @join__field(graph: MEDIA)
  bestsellers: [Book] @join__field(graph: BOOKS)
  node(id: ID!): Node @join__field(graph: MEDIA)
  topRated: [Media] @join__field(graph: RATINGS)
}

interface Node @join__type(graph: MEDIA) {
  id: ID!
}

interface Media
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: RATINGS, key: "id", isInterfaceObject: true)
{
  id: ID!
  title: String @join__field(graph: MEDIA) @join__field(graph: RATINGS, external: true)
  stars: Int @join__field(graph: RATINGS)
  score: String @join__field(graph: RATINGS, requires: "title")
}

type Book implements Media & Node
  @join__implements(graph: MEDIA, interface: "Media")
  @join__implements(graph: MEDIA, interface: "Node")
  @join__type(graph: MEDIA, key: "id")
  @join__type(graph: BOOKS, key: "id")
{
  id: ID!
  title: String @join__field(graph: MEDIA)
  stars: Int @join__field
  score: String @join__field
  pages: Int @join__field(graph: BOOKS)
  author: Author @join__field(graph: BOOKS)
}

type Movie implements Media & Node
  @join__implements(graph: MEDIA, interface: "Media")
  @join__implements(graph: MEDIA, interface: "Node")
  @join__type(graph: MEDIA, key: "id")
{
  id: ID!
  title: String @join__field(graph: MEDIA)
  stars: Int @join__field
  score: String @join__field
  minutes: Int @join__field(graph: MEDIA)
}

type Author @join__type(graph: BOOKS, key: "name") @join__type(graph: MEDIA, key: "name") {
  name: String!
  books: [Book] @join__field(graph: BOOKS)
  bio: String @join__field(graph: MEDIA)
}

union Result
  @join__type(graph: MEDIA)
  @join__unionMember(graph: MEDIA, member: "Book")
  @join__unionMember(graph: MEDIA, member: "Movie")
  @join__unionMember(graph: MEDIA, member: "Author")
 = Book | Movie | Author
""",
)
