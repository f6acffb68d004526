"""A Federation 1 supergraph (`@core`, join v0.1 with `@join__owner`) and a renamed join spec (`as:`)."""

FEDERATION1 = """
schema
  @core(feature: "https://specs.apollo.dev/core/v0.2"),
  @core(feature: "https://specs.apollo.dev/join/v0.1", for: EXECUTION)
{
  query: Query
}

directive @core(as: String, feature: String!, for: core__Purpose) repeatable on SCHEMA
directive @join__field(graph: join__Graph, provides: join__FieldSet, requires: join__FieldSet) on FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__owner(graph: join__Graph!) on INTERFACE | OBJECT
directive @join__type(graph: join__Graph!, key: join__FieldSet) repeatable on INTERFACE | OBJECT

enum core__Purpose {
  EXECUTION
  SECURITY
}

scalar join__FieldSet

enum join__Graph {
  ACCOUNTS @join__graph(name: "accounts", url: "http://accounts/graphql")
  INVENTORY @join__graph(name: "inventory", url: "http://inventory/graphql")
  PRODUCTS @join__graph(name: "products", url: "http://products/graphql")
  REVIEWS @join__graph(name: "reviews", url: "http://reviews/graphql")
}

type Money {
  amount: Int
  currency: String
}

type Product
  @join__owner(graph: PRODUCTS)
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: INVENTORY, key: "upc")
  @join__type(graph: REVIEWS, key: "upc")
{
  upc: String! @join__field(graph: PRODUCTS)
  name: String @join__field(graph: PRODUCTS)
  price: Money @join__field(graph: PRODUCTS)
  weight: Int @join__field(graph: PRODUCTS)
  inStock: Boolean @join__field(graph: INVENTORY)
  shippingEstimate: Int @join__field(graph: INVENTORY, requires: "price { amount } weight")
  reviews: [Review] @join__field(graph: REVIEWS)
}

type Query {
  me: User @join__field(graph: ACCOUNTS)
  topProducts(first: Int = 5): [Product] @join__field(graph: PRODUCTS)
}

type Review @join__owner(graph: REVIEWS) @join__type(graph: REVIEWS, key: "id") {
  id: ID! @join__field(graph: REVIEWS)
  body: String @join__field(graph: REVIEWS)
  author: User @join__field(graph: REVIEWS, provides: "username")
  product: Product @join__field(graph: REVIEWS)
}

type User
  @join__owner(graph: ACCOUNTS)
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id")
{
  id: ID! @join__field(graph: ACCOUNTS)
  name: String @join__field(graph: ACCOUNTS)
  username: String @join__field(graph: ACCOUNTS)
  reviews: [Review] @join__field(graph: REVIEWS)
}
"""

RENAMED_JOIN = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.5", as: "j", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", as: "hidden", for: SECURITY)
{
  query: Query
}

directive @j__field(graph: j__Graph, requires: j__FieldSet, provides: j__FieldSet, type: String, \
external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, \
contextArguments: [j__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @j__graph(name: String!, url: String!) on ENUM_VALUE
directive @j__type(graph: j__Graph!, key: j__FieldSet, extension: Boolean! = false, \
resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable \
on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @hidden on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM_VALUE

input j__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: j__FieldValue!
}

scalar j__FieldSet
scalar j__FieldValue
scalar link__Import

enum link__Purpose {
  SECURITY
  EXECUTION
}

enum j__Graph {
  ONE @j__graph(name: "one", url: "http://one/graphql")
  TWO @j__graph(name: "two", url: "http://two/graphql")
}

type Query @j__type(graph: ONE) @j__type(graph: TWO) {
  thing: Thing @j__field(graph: ONE)
  secret: String @j__field(graph: TWO) @hidden
}

type Thing @j__type(graph: ONE, key: "id") @j__type(graph: TWO, key: "id") {
  id: ID!
  one: String @j__field(graph: ONE)
  two: String @j__field(graph: TWO)
}
"""
