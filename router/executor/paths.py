"""Finding the objects a Flatten node applies to, with their paths in the client's response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from router.plan.nodes import KeyRename

ResponsePath = list[str | int]
Applies = Callable[[str | None, str], bool]


def objects_at(
    data: Any, path: tuple[str, ...], applies: Applies | None = None
) -> list[tuple[dict[str, Any], ResponsePath]]:
    """Every object reachable along `path` (`@` enters each list element), with its response path.

    A segment with a type condition (`@|[Book]`, `media|[Book]`) keeps only the objects whose
    `__typename` the condition `applies` to.
    """
    current: list[tuple[Any, ResponsePath]] = [(data, [])]
    for conditioned in path:
        segment, _, condition = conditioned.partition("|[")
        following: list[tuple[Any, ResponsePath]] = []
        for value, value_path in current:
            if segment == "@":
                if isinstance(value, list):
                    following.extend((item, [*value_path, index]) for index, item in enumerate(value))
            elif isinstance(value, dict) and segment in value:
                following.append((value[segment], [*value_path, segment]))
        if condition and applies is not None:
            type_name = condition.rstrip("]")
            following = [
                (value, value_path)
                for value, value_path in following
                if not isinstance(value, dict)
                or (isinstance(value.get("__typename"), str) and applies(type_name, value["__typename"]))
            ]
        current = following
    found: list[tuple[dict[str, Any], ResponsePath]] = []
    for value, value_path in current:
        _collect_objects(value, value_path, found)
    return found


def _collect_objects(
    value: Any, path: ResponsePath, found: list[tuple[dict[str, Any], ResponsePath]]
) -> None:
    if isinstance(value, dict):
        found.append((value, path))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect_objects(item, [*path, index], found)


def undo_renames(response: dict[str, Any], renames: tuple[KeyRename, ...]) -> None:
    """Give aliased fields of a subgraph response their client keys back, deepest first."""
    data = response.get("data")
    if not renames or not isinstance(data, dict):
        return
    for rename in sorted(renames, key=lambda rename: len(rename.path), reverse=True):
        for obj, _ in objects_at(data, rename.path):
            if rename.alias in obj:
                obj[rename.key] = obj.pop(rename.alias)
