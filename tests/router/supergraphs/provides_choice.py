"""Choices that a `@provides` decides: the same data from a subgraph that provides it, or through a jump.

`reviews` is shareable in `a` and `b`; `b` provides `author { name }`, which `a` can only get from `u`.
`me` is only in `a`, so `a` is queried anyway. `Post.reviews` is in `a` and `b` too, with the same
`@provides` in `b`.
"""

from testbed.sdl import supergraph_sdl

PROVIDES_CHOICE = supergraph_sdl(
    {"a": "http://a/graphql", "b": "http://b/graphql", "u": "http://u/graphql"},
    """
type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: U) {
  me: User @join__field(graph: A)
  reviews: [Review] @join__field(graph: A) @join__field(graph: B, provides: "author { name }")
  posts: [Post] @join__field(graph: U)
}

type Review @join__type(graph: A) @join__type(graph: B) {
  body: String
  author: User
}

type Post @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") @join__type(graph: U, key: "id") {
  id: ID!
  reviews: [Review] @join__field(graph: A) @join__field(graph: B, provides: "author { name }")
}

type User @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") @join__type(graph: U, key: "id") {
  id: ID!
  name: String @join__field(graph: B, external: true) @join__field(graph: U)
  email: String @join__field(graph: U)
}
""",
)
