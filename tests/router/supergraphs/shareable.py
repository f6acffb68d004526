"""Shareable fields and value types resolvable from several subgraphs; @override and usedOverridden."""

from testbed.sdl import supergraph_sdl

SHAREABLE = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  product(id: ID!): Product @join__field(graph: A) @join__field(graph: B)
  products: [Product] @join__field(graph: B)
  featured: Product @join__field(graph: C)
  settings: Settings
}

type Money @join__type(graph: A) @join__type(graph: B) {
  amount: Int!
  currency: String!
}

type Settings @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  theme: String
}

type Product
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  name: String @join__field(graph: A) @join__field(graph: B)
  price: Money @join__field(graph: A) @join__field(graph: B)
  description: String @join__field(graph: A)
  rating: Int @join__field(graph: B)
  stock: Int @join__field(graph: C, override: "a")
  legacyCode: String @join__field(graph: A, usedOverridden: true) @join__field(graph: C, override: "a")
}
""",
)

UNREACHABLE_FROM_ONE_SIDE = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  stats: Stats @join__field(graph: A) @join__field(graph: B)
}

type Stats @join__type(graph: A) @join__type(graph: B) {
  views: Int
  detail: Detail @join__field(graph: B)
}

type Detail @join__type(graph: B) {
  note: String
}
""",
)

SHARED_ROOT = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  product: Product @join__field(graph: A) @join__field(graph: B) @join__field(graph: C)
  products: [Product] @join__field(graph: A) @join__field(graph: B) @join__field(graph: C)
}

type Product @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  id: ID!
  name: String @join__field(graph: A)
  category: String @join__field(graph: B)
  price: Int @join__field(graph: C)
}
""",
)

PROGRESSIVE_OVERRIDE = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  item: Item @join__field(graph: A)
}

type Item @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  label: String @join__field(graph: A) @join__field(graph: B, override: "a", overrideLabel: "percent(25)")
  code: String @join__field(graph: A) @join__field(graph: B, override: "a", overrideLabel: "percent(100)")
}
""",
    join_version="v0.4",
)

ROOT_DEAD_END = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  order: Order @join__field(graph: A) @join__field(graph: B)
}

type Order @join__type(graph: A, key: "id") @join__type(graph: B, key: "number") {
  id: ID
  number: Int @join__field(graph: B)
  total: Int @join__field(graph: B)
  note: String @join__field(graph: A)
}
""",
)
