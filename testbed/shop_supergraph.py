"""The classic demo supergraph: accounts, products, inventory (@requires) and reviews (@provides)."""

from testbed.sdl import supergraph_sdl

GRAPHS = {
    "accounts": "http://accounts.local/graphql",
    "products": "http://products.local/graphql",
    "inventory": "http://inventory.local/graphql",
    "reviews": "http://reviews.local/graphql",
}

TYPES = """
type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: PRODUCTS)
  @join__type(graph: INVENTORY)
  @join__type(graph: REVIEWS)
{
  me: User @join__field(graph: ACCOUNTS)
  user(id: ID!): User @join__field(graph: ACCOUNTS)
  topProducts(first: Int = 5): [Product] @join__field(graph: PRODUCTS)
  product(upc: String!): Product @join__field(graph: PRODUCTS)
  topReviews: [Review!]! @join__field(graph: REVIEWS)
  search(filter: ProductFilter!, sort: Sort = NAME): [Product!]! @join__field(graph: PRODUCTS)
}

input ProductFilter @join__type(graph: PRODUCTS) {
  maxPrice: Int
  nameContains: String
}

enum Sort @join__type(graph: PRODUCTS) {
  NAME @join__enumValue(graph: PRODUCTS)
  PRICE @join__enumValue(graph: PRODUCTS)
}

type Mutation @join__type(graph: ACCOUNTS) @join__type(graph: PRODUCTS) @join__type(graph: REVIEWS) {
  login(username: String!): User @join__field(graph: ACCOUNTS)
  setPrice(upc: String!, price: Int!): Product @join__field(graph: PRODUCTS)
  addReview(upc: String!, body: String!): Review @join__field(graph: REVIEWS)
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID!
  name: String @join__field(graph: ACCOUNTS)
  username: String @join__field(graph: ACCOUNTS) @join__field(graph: REVIEWS, external: true)
  birthDate: String @join__field(graph: ACCOUNTS) @inaccessible
  reviews: [Review] @join__field(graph: REVIEWS)
}

type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: INVENTORY, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String!
  name: String @join__field(graph: PRODUCTS)
  price: Int @join__field(graph: PRODUCTS) @join__field(graph: INVENTORY, external: true)
  weight: Int @join__field(graph: PRODUCTS) @join__field(graph: INVENTORY, external: true)
  inStock: Boolean @join__field(graph: INVENTORY)
  shippingEstimate: Int @join__field(graph: INVENTORY, requires: "price weight")
  reviews: [Review] @join__field(graph: REVIEWS)
}

type Review @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  body: String
  author: User @join__field(graph: REVIEWS, provides: "username")
  product: Product
}
"""

SHOP = supergraph_sdl(GRAPHS, TYPES)
