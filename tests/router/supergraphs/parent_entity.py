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

# Value types first reached inside an entity fetch (`top` -> `a`) whose other fields live in `b`:
# `Category` has no key anywhere and the entity `Seller` has none in `b`, so both replay from `Product`.
# `Category.blurb` requires the category's `name` from `a` through such a replay, and `Product.shipping`
# in `top` requires a category selection that itself needs one.
PARENT_ENTITY_DEEP = supergraph_sdl(
    {"top": "http://top/graphql", "a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: TOP) @join__type(graph: A) @join__type(graph: B) {
  products: [Product] @join__field(graph: TOP)
}

type Product
  @join__type(graph: TOP, key: "id")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  name: String @join__field(graph: TOP)
  category: Category
    @join__field(graph: TOP, external: true)
    @join__field(graph: A)
    @join__field(graph: B)
  seller: Seller @join__field(graph: A) @join__field(graph: B)
  shipping: String @join__field(graph: TOP, requires: "category { name details { summary } }")
}

type Category @join__type(graph: TOP) @join__type(graph: A) @join__type(graph: B) {
  name: String
    @join__field(graph: TOP, external: true)
    @join__field(graph: A)
    @join__field(graph: B, external: true)
  details: Details @join__field(graph: TOP, external: true) @join__field(graph: B)
  blurb: String @join__field(graph: B, requires: "name")
}

type Details @join__type(graph: TOP) @join__type(graph: B) {
  summary: String @join__field(graph: TOP, external: true) @join__field(graph: B)
}

type Seller @join__type(graph: A, key: "id") @join__type(graph: B) {
  id: ID! @join__field(graph: A)
  nick: String @join__field(graph: A)
  address: Address @join__field(graph: A) @join__field(graph: B)
}

type Address @join__type(graph: A) @join__type(graph: B) {
  city: String @join__field(graph: A)
  geo: String @join__field(graph: B)
}
""",
)
