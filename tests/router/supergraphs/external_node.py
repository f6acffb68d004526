"""`Query.node` shared by two subgraphs, each holding the other's `Node` type only as an `@external` key.

Composition accepts this supergraph, but `Chat.id` is not resolvable in `a` and `Account.id` not in `b`:
`node(id:) { id }` has no route at all, while `... on Chat { id }` must be asked of `b`.
"""

from testbed.sdl import supergraph_sdl

EXTERNAL_NODE = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  node(id: ID!): Node @join__field(graph: A) @join__field(graph: B)
  account(id: String!): Account @join__field(graph: A)
  chat(id: String!): Chat @join__field(graph: B)
}

interface Node @join__type(graph: A) @join__type(graph: B) {
  id: ID!
}

type Account implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID! @join__field(graph: A) @join__field(graph: B, external: true)
  username: String! @join__field(graph: A)
  chats: [Chat!]! @join__field(graph: B)
}

type Chat implements Node
  @join__implements(graph: A, interface: "Node")
  @join__implements(graph: B, interface: "Node")
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID! @join__field(graph: A, external: true) @join__field(graph: B)
  account: Account! @join__field(graph: A)
  text: String! @join__field(graph: B)
}
""",
)

EXTENSION_KEY = supergraph_sdl(
    {"price": "http://price/graphql", "product": "http://product/graphql"},
    """
type Query @join__type(graph: PRICE) @join__type(graph: PRODUCT) {
  cheapestProduct: Product @join__field(graph: PRICE)
  products: [Product] @join__field(graph: PRODUCT)
}

type Product @join__type(graph: PRICE, key: "id", extension: true) @join__type(graph: PRODUCT, key: "id") {
  id: ID! @join__field(graph: PRICE, external: true) @join__field(graph: PRODUCT)
  price: Float @join__field(graph: PRICE)
  name: String @join__field(graph: PRODUCT)
}
""",
)
"""A type extension's `@external` key field (`extend type Product @key(fields: "id") { id: ID! @external }`):
the extending subgraph still resolves it, as Federation specifies."""
