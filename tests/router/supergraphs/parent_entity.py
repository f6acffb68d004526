"""Value types whose fields live in different subgraphs: reached again through the parent entity."""

from testbed.sdl import supergraph_sdl

PARENT_ENTITY = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  products: [Product] @join__field(graph: A)
}

type Product @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  name: String @join__field(graph: A)
  category: Category
  variants: [Variant] @join__field(graph: A) @join__field(graph: B)
}

type Category @join__type(graph: A) @join__type(graph: B) {
  id: ID!
  name: String @join__field(graph: A)
  details: Details @join__field(graph: B)
}

type Details @join__type(graph: B) {
  summary: String
}

type Variant @join__type(graph: A) @join__type(graph: B) {
  sku: String!
  color: String @join__field(graph: A)
  stock: Int @join__field(graph: B)
}
""",
)
