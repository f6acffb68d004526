"""Type conditions in Flatten paths (`media.@|[Book].author`), kept only where they avoid wasted work.

Below a list of a union or interface, the objects an entity fetch is for may sit at a response key that
other members use too (`... on Book { author { bio } } ... on Movie { author { name } }`). Without a
condition the fetch would collect the movies' authors as well and send representations nobody asked
for; with `@|[Book]` the executor only enters the elements whose `__typename` is (a subtype of) `Book`.
A condition is printed only when another member selects an object under the same key at that level, so
plans without such an overlap read as before. The last segment never carries one: the representation's
`... on T` already filters the entities themselves.
"""

from __future__ import annotations

from router.planner.walk.groups import FetchGroup

TypeConditions = tuple[tuple[int, str], ...]
"""(index of a path segment, the object type the walk entered below it), outermost first."""


def strip(segment: str) -> str:
    """`@|[Book]` -> `@`."""
    return segment.split("|[", 1)[0]


class TypeConditionTracker:
    """Collects, while the walk runs, which member types put objects under which key at each path."""

    def __init__(self) -> None:
        self._steps: set[tuple[tuple[str, ...], str, str]] = set()
        self._variants: dict[FetchGroup, list[TypeConditions]] = {}

    def step(self, path: tuple[str, ...], conditions: TypeConditions, response_key: str) -> None:
        """The walk selects an object field `response_key` at `path` (entered under `conditions`)."""
        if conditions and conditions[-1][0] == len(path) - 1:
            self._steps.add((path, conditions[-1][1], response_key))

    def joined(self, group: FetchGroup, conditions: TypeConditions) -> None:
        """An entity fetch takes objects from a position entered under `conditions`."""
        self._variants.setdefault(group, []).append(conditions)

    def flatten_path(self, group: FetchGroup) -> tuple[str, ...]:
        """The group's merge path with the conditions that keep other members' objects out."""
        variants = self._variants.get(group)
        if not variants:
            return group.merge_path
        path = list(group.merge_path)
        shared = set(variants[0]).intersection(*variants[1:])
        for index, type_name in sorted(shared):
            if index >= len(path) - 1:
                continue
            prefix = tuple(group.merge_path[: index + 1])
            following = group.merge_path[index + 1]
            if any(
                step_path == prefix and other != type_name and key == following
                for step_path, other, key in self._steps
            ):
                path[index] = f"{path[index]}|[{type_name}]"
        return tuple(path)
