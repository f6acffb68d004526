"""Progressive @override (join v0.4 `overrideLabel`): `modern` takes `Item.price` from `legacy` for a
percentage of requests and `Item.stock` under a custom label; `featured` starts in `modern`."""

from testbed.sdl import supergraph_sdl

PROGRESSIVE = supergraph_sdl(
    {"legacy": "http://legacy/graphql", "modern": "http://modern/graphql"},
    """
type Query @join__type(graph: LEGACY) @join__type(graph: MODERN) {
  item: Item @join__field(graph: LEGACY)
  featured: Item @join__field(graph: MODERN)
  tags: [String] @join__field(graph: LEGACY)
}

type Item @join__type(graph: LEGACY, key: "id") @join__type(graph: MODERN, key: "id") {
  id: ID!
  name: String @join__field(graph: LEGACY)
  price: Int
    @join__field(graph: LEGACY)
    @join__field(graph: MODERN, override: "legacy", overrideLabel: "percent(25)")
  stock: Int
    @join__field(graph: LEGACY)
    @join__field(graph: MODERN, override: "legacy", overrideLabel: "new-stock")
}

type Tag @join__type(graph: LEGACY) @join__type(graph: MODERN) {
  label: String
    @join__field(graph: LEGACY)
    @join__field(graph: MODERN, override: "legacy", overrideLabel: "percent(50)")
}
""",
    join_version="v0.4",
)
