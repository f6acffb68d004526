"""Fold an entity fetch into a later fetch to the same subgraph at the same path.

When fetch G and fetch H go to the same subgraph for the same objects, H already waits for everything G
waits for (and more), nothing waits for G, and both run under the same conditions, G's fields can ride
along in H: one subgraph call instead of two, and H runs no later than before.
"""

from __future__ import annotations

from collections.abc import Sequence

from router.planner.walk.groups import FetchGroup
from router.planner.walk.inputs import inputs_conflict


def _foldable_into(group: FetchGroup, later: FetchGroup) -> bool:
    return (
        group is not later
        and group.is_entity
        and later.is_entity
        and group.subgraph == later.subgraph
        and group.merge_path == later.merge_path
        and group.parents < later.parents
        and group.id not in later.parents
        and (group.conditions or ()) == (later.conditions or ())
        and not inputs_conflict(group.inputs.freeze(), later.inputs.freeze())
    )


def fold_into_later_fetches(groups: Sequence[FetchGroup]) -> list[FetchGroup]:
    """Stage 3 of planning: the groups with every foldable entity fetch merged into its later twin
    (input order kept)."""
    depended_on = {parent for group in groups for parent in group.parents}
    folded: set[int] = set()
    for group in groups:
        if group.id in depended_on:
            continue
        later = next(
            (other for other in groups if other.id not in folded and _foldable_into(group, other)), None
        )
        if later is None:
            continue
        later.selection.add_all(group.selection.freeze())
        later.inputs.add_all(group.inputs.freeze())
        later.typename_rewrites |= group.typename_rewrites
        later.context_rewrites.update(group.context_rewrites)
        if group.flatten_path != later.flatten_path:
            later.flatten_path = None  # the objects of both: no type condition may keep some out
        folded.add(group.id)
    return [group for group in groups if group.id not in folded]
