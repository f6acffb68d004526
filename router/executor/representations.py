"""Building the `representations` of an `_entities` fetch from the objects already fetched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from router.executor.paths import ResponsePath
from router.planner.selection import Field, InlineFragment, Selection

Applies = Callable[[str | None, str], bool]


@dataclass(slots=True)
class Representation:
    """One distinct representation and every object (with its response path) it stands for."""

    value: dict[str, Any]
    targets: list[tuple[dict[str, Any], ResponsePath]] = field(default_factory=list)


class _Missing(Exception):
    """A required field is absent: the object cannot be represented (e.g. its key failed to resolve)."""


def _select(value: Any, selections: tuple[Selection, ...], applies: Applies) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_select(item, selections, applies) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    typename = value.get("__typename")
    for selection in selections:
        if isinstance(selection, Field):
            if selection.name not in value:
                raise _Missing(selection.name)
            result[selection.name] = (
                _select(value[selection.name], selection.selections, applies)
                if selection.selections
                else value[selection.name]
            )
        elif isinstance(selection, InlineFragment) and (
            typename is None or applies(selection.type_condition, typename)
        ):
            result.update(_select(value, selection.selections, applies))
    return result


def build_representations(
    objects: list[tuple[dict[str, Any], ResponsePath]],
    requires: tuple[Selection, ...],
    typename_rewrites: tuple[str, ...],
    applies: Applies,
) -> list[Representation]:
    """Distinct representations, in order of first appearance, for the objects the fetch applies to."""
    distinct: dict[bytes, Representation] = {}
    for obj, path in objects:
        typename = obj.get("__typename")
        if not isinstance(typename, str):
            continue
        for fragment in requires:
            if not isinstance(fragment, InlineFragment) or not applies(fragment.type_condition, typename):
                continue
            try:
                value = _select(obj, fragment.selections, applies)
            except _Missing:
                break
            if fragment.type_condition in typename_rewrites:
                value["__typename"] = fragment.type_condition
            identity = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
            distinct.setdefault(identity, Representation(value)).targets.append((obj, path))
            break
    return list(distinct.values())
