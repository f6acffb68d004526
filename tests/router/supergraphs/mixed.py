"""@override next to @requires, @requires on interface implementations, @provides on an interface field."""

from testbed.sdl import supergraph_sdl

MIXED = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "c": "http://c/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
  feed: [Post] @join__field(graph: A)
  featured: Post @join__field(graph: C, provides: "author { name }")
  shelf: Shelf @join__field(graph: C)
  shared: Post @join__field(graph: A) @join__field(graph: B) @join__field(graph: C)
}

type Post @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") @join__type(graph: C, key: "id") {
  id: ID!
  title: String @join__field(graph: A) @join__field(graph: B, override: "a")
  body: String @join__field(graph: A)
  words: Int @join__field(graph: A, usedOverridden: true) @join__field(graph: C, override: "a")
  readingTime: Int @join__field(graph: B, requires: "words")
  author: Author @join__field(graph: A) @join__field(graph: C, external: true)
}

type Author @join__type(graph: A, key: "id") @join__type(graph: C, key: "id") {
  id: ID!
  name: String @join__field(graph: A) @join__field(graph: C, external: true)
  bio: String @join__field(graph: A)
}

interface Item @join__type(graph: C) @join__type(graph: B) {
  id: ID!
  price: Int
}

type Pen implements Item
  @join__implements(graph: C, interface: "Item")
  @join__implements(graph: B, interface: "Item")
  @join__type(graph: C, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  price: Int @join__field(graph: C) @join__field(graph: B, external: true)
  tax: Int @join__field(graph: B, requires: "price")
  color: String @join__field(graph: C)
}

type Ink implements Item
  @join__implements(graph: C, interface: "Item")
  @join__implements(graph: B, interface: "Item")
  @join__type(graph: C, key: "id")
  @join__type(graph: B, key: "id")
{
  id: ID!
  price: Int @join__field(graph: C) @join__field(graph: B, external: true)
  tax: Int @join__field(graph: B, requires: "price")
}

type Shelf @join__type(graph: C) {
  items: [Item] @join__field(graph: C, provides: "... on Pen { color }")
  best: Item
}
""",
)
