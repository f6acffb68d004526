"""Give each entity the `@fromContext` values of its own ancestor (plan data: `ContextRewrite`).

One `_entities` request carries one value per contextual variable, so representations are grouped by
the values their ancestors give; an object listed under two ancestors with different values (a product
in two stores) is represented once per value. Each group is its own request (Apollo's router instead
aliases one `_entities` per group in a single request).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from router.executor.paths import ResponsePath
from router.executor.representations import Representation
from router.plan.context_rewrites import ContextRewrite
from router.plan.selection import InlineFragment, Selection

Applies = Callable[[str | None, str], bool]
_ABSENT = object()


def _ancestor(data: Any, path: ResponsePath, depth: int) -> Any:
    value = data
    for segment in path[:depth]:
        if isinstance(segment, int):
            value = value[segment] if isinstance(value, list) and segment < len(value) else None
        else:
            value = value.get(segment) if isinstance(value, dict) else None
    return value


def _read(value: Any, selections: tuple[Selection, ...], applies: Applies) -> Any:
    """What the context selection reaches in `value`: the one field it names, under its type conditions."""
    if isinstance(value, list):
        return [_read(item, selections, applies) for item in value]
    if not isinstance(value, dict):
        return _ABSENT
    typename = value.get("__typename")
    for selection in selections:
        if isinstance(selection, InlineFragment):
            if isinstance(typename, str) and applies(selection.type_condition, typename):
                found = _read(value, selection.selections, applies)
                if found is not _ABSENT:
                    return found
        elif selection.name != "__typename" and selection.response_key in value:
            field_value = value[selection.response_key]
            if selection.selections and field_value is not None:
                return _read(field_value, selection.selections, applies)
            return field_value
    return _ABSENT


def context_values(
    rewrites: tuple[ContextRewrite, ...], data: Any, path: ResponsePath, applies: Applies
) -> dict[str, Any]:
    """The contextual variables for the entity at `path` (null where its ancestor has no value)."""
    values: dict[str, Any] = {}
    for rewrite in rewrites:
        found = _read(_ancestor(data, path, rewrite.ancestor_depth), rewrite.selection, applies)
        values[rewrite.variable] = None if found is _ABSENT else found
    return values


def group_by_context(
    rewrites: tuple[ContextRewrite, ...],
    representations: list[Representation],
    data: Any,
    applies: Applies,
) -> list[tuple[dict[str, Any], list[Representation]]]:
    """Representations grouped by the contextual values of their objects, in order of first appearance."""
    groups: dict[bytes, tuple[dict[str, Any], dict[bytes, Representation]]] = {}
    for representation in representations:
        key_of_value = orjson.dumps(representation.value)
        for obj, path in representation.targets:
            values = context_values(rewrites, data, path, applies)
            _, members = groups.setdefault(orjson.dumps(values), (values, {}))
            member = members.setdefault(key_of_value, Representation(representation.value))
            member.targets.append((obj, path))
    return [(values, list(members.values())) for values, members in groups.values()]
