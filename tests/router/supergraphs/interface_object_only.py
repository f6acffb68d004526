"""Fields that exist only on a `resolvable: false` `@interfaceObject`: no route reaches them from elsewhere."""

from testbed.sdl import supergraph_sdl

INTERFACE_OBJECT_ONLY = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) {
  a: Node @join__field(graph: A)
  b: Node @join__field(graph: B)
  breads: [Bread] @join__field(graph: A)
}

interface Node
  @join__type(graph: A, key: "id")
  @join__type(graph: B, key: "id", resolvable: false, isInterfaceObject: true)
{
  id: ID!
  field: String @join__field(graph: B)
}

interface Baked @join__type(graph: A, key: "id") @join__type(graph: B, key: "id", resolvable: false, isInterfaceObject: true) {
  id: ID!
  oven: String @join__field(graph: B)
}

type Bread implements Baked @join__implements(graph: A, interface: "Baked") @join__type(graph: A, key: "id") {
  id: ID!
  flour: String @join__field(graph: A)
  oven: String @join__field
}
""",
)
"""`Node` has no implementation in `a`, so `a { field }` has nowhere to go; `Bread.oven` is only on `b`'s
`@interfaceObject Baked`, whose key is not resolvable."""
