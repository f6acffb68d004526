"""`@context`/`@fromContext` (join v0.5 `contextArguments`): a store's settings passed down to its products.

`Product.label` (shop) takes the store's `locale` from the same subgraph; `Product.price` (pricing) takes
the store's `currency`, which only `settings` resolves (it is `@external` in pricing). A product may be
listed by several stores, so one product gets a value per store; `product(id:)` reaches one outside
any store, where no context applies.
"""

from testbed.sdl import supergraph_sdl

_CONTEXT_SPEC = ('@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)',)

CONTEXT = supergraph_sdl(
    {
        "shop": "http://shop/graphql",
        "pricing": "http://pricing/graphql",
        "settings": "http://settings/graphql",
    },
    """
directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION

input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

scalar join__FieldValue

type Query @join__type(graph: SHOP) @join__type(graph: PRICING) @join__type(graph: SETTINGS) {
  stores: [Store] @join__field(graph: SHOP)
  product(id: ID!): Product @join__field(graph: SHOP)
}

type Store
  @join__type(graph: SHOP, key: "id")
  @join__type(graph: PRICING, key: "id")
  @join__type(graph: SETTINGS, key: "id")
  @context(name: "shop__store")
  @context(name: "pricing__store")
{
  id: ID!
  name: String @join__field(graph: SHOP)
  locale: String! @join__field(graph: SHOP)
  currency: String @join__field(graph: PRICING, external: true) @join__field(graph: SETTINGS)
  products: [Product] @join__field(graph: SHOP) @join__field(graph: PRICING)
}

type Product @join__type(graph: SHOP, key: "id") @join__type(graph: PRICING, key: "id") {
  id: ID!
  name: String @join__field(graph: SHOP)
  label: String
    @join__field(
      graph: SHOP
      contextArguments: [{context: "shop__store", name: "locale", type: "String!", selection: "{ locale }"}]
    )
  price: String
    @join__field(
      graph: PRICING
      contextArguments: [{context: "pricing__store", name: "currency", type: "String", selection: " { currency }"}]
    )
}
""",
    join_version="v0.5",
    links=_CONTEXT_SPEC,
)
