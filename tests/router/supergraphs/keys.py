"""Entities with several keys, composite and nested keys, and keys that are not resolvable."""

from testbed.sdl import supergraph_sdl

KEYS = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql", "d": "http://d/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) @join__type(graph: D) {
  t: T @join__field(graph: A)
  account: Account @join__field(graph: C)
  ref: Reference @join__field(graph: D)
}

type T
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id")
  @join__type(graph: B, key: "sku")
  @join__type(graph: C, key: "sku")
{
  id: ID! @join__field(graph: A) @join__field(graph: B)
  sku: String! @join__field(graph: B) @join__field(graph: C)
  inA: String @join__field(graph: A)
  inB: String @join__field(graph: B)
  inC: String @join__field(graph: C)
}

type Org @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  id: ID!
}

type Account
  @join__type(graph: A, key: "number org { id }")
  @join__type(graph: C, key: "number org { id }")
  @join__type(graph: B, key: "number region")
{
  number: Int!
  org: Org! @join__field(graph: A) @join__field(graph: C)
  region: String! @join__field(graph: B) @join__field(graph: A)
  balance: Int @join__field(graph: A)
  limit: Int @join__field(graph: B)
  owner: String @join__field(graph: C)
}

type Reference
  @join__type(graph: D, key: "id", resolvable: false)
  @join__type(graph: A, key: "id")
{
  id: ID!
  label: String @join__field(graph: A)
}
""",
)
