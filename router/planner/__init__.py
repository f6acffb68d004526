"""Query planning: from a client operation to a plan of subgraph fetches.

`planner.py` is the pipeline (normalize, walk, fold, emit fetches, schedule); the plan it returns is
plain data in `router.plan`. The words the planner's code uses:

position
    Where the walk is: which fetch group, where in its selection, at which response path, with which
    `@provides` in scope (`walk/position.py`).
anchor
    The nearest enclosing entity of a position (or the query root), with the fields and fragments from
    it down to the position: where a parent entity call leaves from.
route
    How to reach a field the current subgraph cannot resolve: an `_entities` fetch to another subgraph
    through one of its keys, with any `@requires` (`walk/routes.py`).
reach
    What one subgraph can resolve by itself from a position, and what leaving it would cost
    (`resolvability/reach.py`).
group
    A fetch group: everything one fetch will ask of one subgraph at one path, and the groups it waits
    for (`walk/groups.py`); each becomes one `FetchNode`.
jump
    Following a route: the current fetch selects `__typename`, the key and the requirements, and the
    field moves into the entity fetch those feed.
parent entity call
    A jump from the anchor rather than from the current position, replaying the anchor's chain in the
    target subgraph: how a value-type field another subgraph holds is reached.
fold
    Merging an entity fetch into a later fetch to the same subgraph at the same path, so one call
    does the work of two (`fold.py`).
"""

from router.planner.planner import QueryPlanner

__all__ = ["QueryPlanner"]
