"""Order fetch groups into plan nodes: dependents run after what they need, the rest in parallel.

A group whose only dependency is one parent nests under it (Sequence[parent, Parallel[children]]), as in
Apollo's plans; a group waiting for several groups runs once all of them are done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from router.plan.nodes import ConditionNode, FetchNode, FlattenNode, PlanNode, parallel, sequence
from router.plan.operation import Conditional
from router.planner.walk.groups import FetchGroup


class _Scheduler:
    def __init__(self, groups: Sequence[FetchGroup], fetches: Mapping[int, FetchNode]) -> None:
        self.groups = [group for group in groups if group.selection]
        self.fetches = fetches
        self.done: set[int] = set()
        self.children: dict[int, list[FetchGroup]] = {}
        for group in self.groups:
            if len(group.parents) == 1:
                self.children.setdefault(next(iter(group.parents)), []).append(group)

    def run(self, roots: Sequence[FetchGroup]) -> PlanNode | None:
        stages: list[PlanNode] = []
        known = {group.id for group in self.groups}
        ready = [group for group in roots if group.selection]
        while ready:
            stage = parallel([self._subtree(group) for group in ready])
            if stage is not None:
                stages.append(stage)
            ready = [
                group
                for group in self.groups
                if group.id not in self.done and all(p in self.done or p not in known for p in group.parents)
            ]
        return sequence(stages)

    def _subtree(self, group: FetchGroup, applied: tuple[Conditional, ...] = ()) -> PlanNode:
        """The group, then (in parallel) the groups depending on it alone, under one set of conditions.

        Dependents never need their own copy of a condition the group already has: without the group's
        data they would find nothing to fetch for.
        """
        self.done.add(group.id)
        own = tuple(condition for condition in group.conditions or () if condition not in applied)
        node: PlanNode = self.fetches[group.id]
        if group.is_entity:
            node = FlattenNode(group.flatten_path or group.merge_path, node)
        children = [child for child in self.children.get(group.id, []) if child.id not in self.done]
        below = parallel([self._subtree(child, applied + own) for child in children])
        if below is not None:
            node = sequence([node, below]) or node
        return _under(own, node)


def _under(conditions: tuple[Conditional, ...], node: PlanNode) -> PlanNode:
    for condition in reversed(conditions):
        node = (
            ConditionNode(condition.variable, node, None)
            if condition.passes_when
            else ConditionNode(condition.variable, None, node)
        )
    return node


def schedule(
    groups: Sequence[FetchGroup], roots: Sequence[FetchGroup], fetches: Mapping[int, FetchNode]
) -> PlanNode | None:
    """Stage 5 of planning: the plan node running the fetches of `roots` and of every group depending on
    them, transitively (`fetches` from `emit_fetches`)."""
    return _Scheduler(groups, fetches).run(roots)
