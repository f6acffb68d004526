"""The type a field returns in one subgraph, which composition may have narrowed.

A shareable field typed `Media` (a union) in one subgraph and `Book` in another is `Media` in the
supergraph, with `@join__field(graph: A, type: "Book")` recording A's type. A fetch to A must select
against `Book`: a fragment `... on Song` under it would make A reject the whole operation.
"""

from __future__ import annotations

from router.planner.resolvability.resolution import Resolution
from router.supergraph.model import FieldDef


def field_type_in(resolution: Resolution, graph: str, field_def: FieldDef) -> str:
    """The named type `field_def` returns in `graph` (the supergraph's unless `@join__field(type:)` says
    else)."""
    join = field_def.join_for(graph)
    if join is None or join.type is None:
        return field_def.type_name
    named = join.type.replace("[", "").replace("]", "").replace("!", "").strip()
    return named if named in resolution.supergraph.types else field_def.type_name


def can_be_in(resolution: Resolution, graph: str, type_name: str, condition: str) -> bool:
    """Whether an object `graph` returns at a position typed `type_name` there may match `condition`.

    Members a subgraph does not define for a union or interface (or that a narrowed field type excludes)
    can never come back from it, so a fragment on them is work that subgraph cannot do.
    """
    if not resolution.type_in_graph(resolution.type(condition), graph):
        return False
    if condition == type_name:
        return True
    returned = (
        resolution.possible_types_in(graph, type_name) if resolution.is_abstract(type_name) else (type_name,)
    )
    return any(resolution.applies(condition, runtime_type) for runtime_type in returned)
