"""`@context` on the query type (Apollo's "accesses a different top level query"): a product's price
takes the signed-in user's locale from `Query.me`, in the subgraph that also has the product."""

from testbed.sdl import supergraph_sdl

ROOT_CONTEXT = supergraph_sdl(
    {"subgraph1": "http://subgraph1/graphql", "subgraph2": "http://subgraph2/graphql"},
    """
directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION

input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

scalar join__FieldValue

type Query
  @join__type(graph: SUBGRAPH1)
  @join__type(graph: SUBGRAPH2)
  @context(name: "subgraph1__topLevelQuery")
{
  me: User! @join__field(graph: SUBGRAPH1)
  product: Product @join__field(graph: SUBGRAPH1)
  randomId: ID! @join__field(graph: SUBGRAPH2)
}

type User @join__type(graph: SUBGRAPH1, key: "id") {
  id: ID!
  locale: String!
}

type Product @join__type(graph: SUBGRAPH1, key: "id") @join__type(graph: SUBGRAPH2, key: "id") {
  id: ID!
  price: Int!
    @join__field(
      graph: SUBGRAPH1
      contextArguments: [
        {context: "subgraph1__topLevelQuery", name: "locale", type: "String", selection: "{ me { locale } }"}
      ]
    )
}
""",
    join_version="v0.5",
    links=('@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)',),
)
