"""@requires in its harder forms (chains, arguments, fragments) and nested/abstract @provides."""

from testbed.sdl import supergraph_sdl

REQUIRES = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  item: Item @join__field(graph: A)
  items: [Item!]! @join__field(graph: A)
  shelf: Shelf @join__field(graph: B)
}

type Item
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  name: String @join__field(graph: A) @join__field(graph: B, external: true)
  price: Int @join__field(graph: A) @join__field(graph: B, external: true)
  weight(unit: String = "kg"): Int @join__field(graph: A) @join__field(graph: C, external: true)
  tax: Int @join__field(graph: B, requires: "price") @join__field(graph: C, external: true)
  total: Int @join__field(graph: C, requires: "tax")
  shipping: Int @join__field(graph: C, requires: "weight(unit: \\"lb\\")")
  dims: Dims
    @join__field(graph: A)
    @join__field(graph: B, external: true)
    @join__field(graph: C, external: true)
  volume: Int @join__field(graph: C, requires: "dims { width height }")
  media: Media @join__field(graph: A) @join__field(graph: B, external: true)
  summary: String @join__field(graph: B, requires: "media { ... on Photo { url } ... on Video { seconds } }")
}

type Dims @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  width: Int
  height: Int
  depth: Int
}

union Media
  @join__type(graph: A)
  @join__type(graph: B)
  @join__unionMember(graph: A, member: "Photo")
  @join__unionMember(graph: A, member: "Video")
  @join__unionMember(graph: B, member: "Photo")
  @join__unionMember(graph: B, member: "Video")
 = Photo | Video

type Photo @join__type(graph: A) @join__type(graph: B) {
  url: String @join__field(graph: A) @join__field(graph: B, external: true)
  alt: String
}

type Video @join__type(graph: A) @join__type(graph: B) {
  seconds: Int @join__field(graph: A) @join__field(graph: B, external: true)
}

type Shelf @join__type(graph: B) {
  label: String
  items: [Item] @join__field(graph: B, provides: "name dims { width }")
  cover: Media @join__field(graph: B, provides: "... on Photo { url } ... on Video { seconds }")
}
""",
)

# One field required with different arguments: by two fields of one subgraph (`b`) and by a third
# subgraph (`c`); each requiring field must be sent the price in its own currency. The same nested
# (`dims { width(unit:) }`) for `widthCm` and `widthIn`.
REQUIRES_ARGUMENTS = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  items: [Item] @join__field(graph: A)
}

type Item
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: C, key: "id")
{
  id: ID!
  price(currency: String! = "USD"): Int
    @join__field(graph: A)
    @join__field(graph: B, external: true)
    @join__field(graph: C, external: true)
  priceUsd: String @join__field(graph: B, requires: "price(currency: \\"USD\\")")
  priceEur: String @join__field(graph: B, requires: "price(currency: \\"EUR\\")")
  note: String @join__field(graph: B)
  label: String @join__field(graph: C, requires: "price(currency: \\"EUR\\")")
  dims: Dims @join__field(graph: A) @join__field(graph: B, external: true)
  widthCm: Int @join__field(graph: B, requires: "dims { width(unit: \\"cm\\") }")
  widthIn: Int @join__field(graph: B, requires: "dims { width(unit: \\"in\\") }")
}

type Dims @join__type(graph: A) @join__type(graph: B) {
  width(unit: String! = "cm"): Int @join__field(graph: A) @join__field(graph: B, external: true)
}
""",
)
