"""Keys that contain lists and nested entities, reached through several hops (a "complex entity call")."""

from testbed.sdl import supergraph_sdl

COMPLEX_KEYS = supergraph_sdl(
    {
        "link": "http://link/graphql",
        "list": "http://list/graphql",
        "price": "http://price/graphql",
        "products": "http://products/graphql",
    },
    """
type Query
  @join__type(graph: LINK) @join__type(graph: LIST) @join__type(graph: PRICE) @join__type(graph: PRODUCTS)
{
  topProducts: ProductList! @join__field(graph: LIST)
}

type ProductList
  @join__type(graph: LIST, key: "products { id pid }")
  @join__type(graph: PRICE, key: "products { id pid category { id tag } } selected { id }")
  @join__type(graph: PRODUCTS, key: "products { id }")
{
  products: [Product!]!
  first: Product @join__field(graph: LIST) @join__field(graph: PRICE)
  selected: Product @join__field(graph: PRODUCTS) @join__field(graph: PRICE)
}

type Product
  @join__type(graph: LINK, key: "id pid")
  @join__type(graph: LIST, key: "id pid")
  @join__type(graph: PRICE, key: "id pid category { id tag }")
  @join__type(graph: PRODUCTS, key: "id", resolvable: false)
{
  id: String!
  pid: String @join__field(graph: LINK) @join__field(graph: LIST) @join__field(graph: PRICE)
  category: Category @join__field(graph: LINK) @join__field(graph: PRICE)
  price: Price @join__field(graph: PRICE)
}

type Category @join__type(graph: LINK, key: "id") @join__type(graph: PRICE, key: "id") {
  id: String!
  tag: String @join__field(graph: LINK) @join__field(graph: PRICE)
  mainProduct: Product @join__field(graph: PRICE)
}

type Price @join__type(graph: PRICE) {
  price: Float!
}
""",
)
