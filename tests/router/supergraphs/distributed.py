"""Abstract types distributed over subgraphs: a Node interface, unions whose members differ per subgraph."""

from testbed.sdl import supergraph_sdl

DISTRIBUTED = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  node(id: ID!): Node @join__field(graph: A) @join__field(graph: B)
  nodes: [Node] @join__field(graph: C)
  mediaA: [Media] @join__field(graph: A)
  mediaB: [Media] @join__field(graph: B)
  people: [Person] @join__field(graph: B)
}

interface Node @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  id: ID!
}

union Media
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Song")
  @join__unionMember(graph: B, member: "Book")
  @join__unionMember(graph: B, member: "Movie")
 = Book | Song | Movie

type Book implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  title: String @join__field(graph: A) @join__field(graph: B)
  isbn: String @join__field(graph: A)
  price: Int @join__field(graph: B)
}

type Song implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: C, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  title: String @join__field(graph: A)
  plays: Int @join__field(graph: C)
}

type Movie implements Node
  @join__implements(graph: B, interface: "Node")
  @join__implements(graph: C, interface: "Node")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  title: String @join__field(graph: B)
  rating: Int @join__field(graph: C)
}

interface Person @join__type(graph: B) {
  name: String
  favorite: Media
}

type Author implements Person @join__implements(graph: B, interface: "Person") @join__type(graph: B) {
  name: String
  favorite: Media
  books: [Book]
}

type Fan implements Person @join__implements(graph: B, interface: "Person") @join__type(graph: B) {
  name: String
  favorite: Media
}
""",
)
