"""The type a field returns in one subgraph, which composition may have narrowed.

A shareable field typed `Media` (a union) in one subgraph and `Book` in another is `Media` in the
supergraph, with `@join__field(graph: A, type: "Book")` recording A's type. A fetch to A must select
against `Book`: a fragment `... on Song` under it would make A reject the whole operation.
"""

from __future__ import annotations

from router.supergraph.model import FieldDef


def field_type_in(graph: str, fdef: FieldDef) -> str:
    """The named type `fdef` returns in `graph` (the supergraph's unless `@join__field(type:)` says else)."""
    join = fdef.join_for(graph)
    if join is None or join.type is None:
        return fdef.type_name
    return join.type.replace("[", "").replace("]", "").replace("!", "").strip()
