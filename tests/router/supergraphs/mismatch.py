"""Fields typed differently in a subgraph than in the supergraph (`@join__field(type:)`)."""

from testbed.sdl import supergraph_sdl

MISMATCH = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  accounts: [Account] @join__field(graph: A)
}

interface Account @join__type(graph: A) {
  id: ID
}

type User implements Account @join__type(graph: A, key: "id") @join__implements(graph: A, interface: "Account") {
  id: ID @join__field(graph: A, type: "ID!")
  name: String @join__field(graph: A)
  friends: [User] @join__field(graph: A)
}

type Admin implements Account @join__type(graph: A, key: "id") @join__type(graph: B, key: "id")
  @join__implements(graph: A, interface: "Account")
{
  id: ID @join__field(graph: A, type: "ID") @join__field(graph: B, type: "ID!")
  level: Int @join__field(graph: B)
  friends: [User] @join__field(graph: A)
}
""",
)
