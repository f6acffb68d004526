"""@provides on fields returning an interface or a union, over fields external in the providing subgraph."""

from testbed.sdl import supergraph_sdl

PROVIDES_ABSTRACT = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  catalog: [Media] @join__field(graph: A)
  featuredMedia: [Media] @join__field(graph: B, provides: "title")
  featuredResults: [Result] @join__field(graph: B, provides: "... on Book { title } ... on Movie { title }")
}

interface Media @join__type(graph: A) @join__type(graph: B) {
  id: ID!
  title: String @join__field(graph: A) @join__field(graph: B, external: true)
}

type Book implements Media
  @join__implements(graph: A, interface: "Media")
  @join__implements(graph: B, interface: "Media")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  title: String @join__field(graph: A) @join__field(graph: B, external: true)
  pages: Int @join__field(graph: A)
}

type Movie implements Media
  @join__implements(graph: A, interface: "Media")
  @join__implements(graph: B, interface: "Media")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  title: String @join__field(graph: A) @join__field(graph: B, external: true)
  minutes: Int @join__field(graph: A)
}

union Result
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Book")
  @join__unionMember(graph: A, member: "Movie")
  @join__unionMember(graph: B, member: "Book")
  @join__unionMember(graph: B, member: "Movie")
 = Book | Movie
""",
)
