"""The type a field returns in one subgraph, which composition may have narrowed.

A shareable field typed `Media` (a union) in one subgraph and `Book` in another is `Media` in the
supergraph, with `@join__field(graph: A, type: "Book")` recording A's type. A fetch to A must select
against `Book`: a fragment `... on Song` under it would make A reject the whole operation.
"""

from __future__ import annotations

from router.planner.resolvability.resolution import Resolution
from router.supergraph.model import FieldDef


def field_type_in(res: Resolution, graph: str, fdef: FieldDef) -> str:
    """The named type `fdef` returns in `graph` (the supergraph's unless `@join__field(type:)` says else)."""
    join = fdef.join_for(graph)
    if join is None or join.type is None:
        return fdef.type_name
    named = join.type.replace("[", "").replace("]", "").replace("!", "").strip()
    return named if named in res.supergraph.types else fdef.type_name


def can_be_in(res: Resolution, graph: str, type_name: str, condition: str) -> bool:
    """Whether an object `graph` returns at a position typed `type_name` there may match `condition`.

    Members a subgraph does not define for a union or interface (or that a narrowed field type excludes)
    can never come back from it, so a fragment on them is work that subgraph cannot do.
    """
    if not res.type_in_graph(res.type(condition), graph):
        return False
    if condition == type_name:
        return True
    returned = res.possible_types_in(graph, type_name) if res.is_abstract(type_name) else (type_name,)
    return any(res.applies(condition, runtime_type) for runtime_type in returned)
