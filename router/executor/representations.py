"""Building the `representations` of an `_entities` fetch from the objects already fetched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from router.executor.paths import ResponsePath
from router.plan.selection import InlineFragment, Selection

Applies = Callable[[str | None, str], bool]
FieldInfo = Callable[[str, str], tuple[str, bool] | None]
"""(type, field) -> (the field's named type, whether it is non-null), or None when unknown."""


@dataclass(slots=True)
class Representation:
    """One distinct representation and every object (with its response path) it stands for."""

    value: dict[str, Any]
    targets: list[tuple[dict[str, Any], ResponsePath]] = field(default_factory=list)


class _Missing(Exception):
    """A required field is absent or null where it cannot be: the object cannot be represented."""


@dataclass(frozen=True, slots=True)
class _Selector:
    applies: Applies
    field_info: FieldInfo

    def select(self, value: Any, type_name: str, selections: tuple[Selection, ...]) -> Any:
        if isinstance(value, list):
            return [self.select(item, type_name, selections) for item in value]
        if not isinstance(value, dict):
            return value
        result: dict[str, Any] = {}
        typename = value.get("__typename")
        runtime = typename if isinstance(typename, str) else type_name
        for selection in selections:
            if isinstance(selection, InlineFragment):
                if self.applies(selection.type_condition, runtime):
                    result.update(self.select(value, runtime, selection.selections))
                continue
            if selection.response_key not in value:
                raise _Missing(selection.name)
            info = self.field_info(runtime, selection.name)
            field_value = value[selection.response_key]
            if field_value is None:
                if info is not None and info[1]:
                    raise _Missing(selection.name)
                result[selection.name] = None
            elif selection.selections and info is not None:
                result[selection.name] = self.select(field_value, info[0], selection.selections)
            else:
                result[selection.name] = field_value
        return result


_ABSENT = object()
_Flat = tuple[tuple[str, str, bool], ...]
"""A selection of leaf fields only (most keys): (field name, response key, non-null) per field."""


def _flat(selections: tuple[Selection, ...], typename: str, field_info: FieldInfo) -> _Flat | None:
    flat: list[tuple[str, str, bool]] = []
    for selection in selections:
        if isinstance(selection, InlineFragment) or selection.selections:
            return None
        info = field_info(typename, selection.name)
        flat.append((selection.name, selection.response_key, info is not None and info[1]))
    return tuple(flat)


def _select_flat(obj: dict[str, Any], flat: _Flat) -> dict[str, Any] | None:
    value: dict[str, Any] = {}
    for name, response_key, non_null in flat:
        field_value = obj.get(response_key, _ABSENT)
        if field_value is _ABSENT or (field_value is None and non_null):
            return None
        value[name] = field_value
    return value


def build_representations(
    objects: list[tuple[dict[str, Any], ResponsePath]],
    requires: tuple[Selection, ...],
    typename_rewrites: tuple[str, ...],
    applies: Applies,
    field_info: FieldInfo,
) -> list[Representation]:
    """Distinct representations, in order of first appearance, for the objects the fetch applies to.

    Objects missing a required field, or holding null where the schema forbids it (a key that failed to
    resolve), are left out: they cannot be represented, and their fields stay null. Values are built in
    selection order, so equal representations serialize to equal bytes without sorting keys.
    """
    selector = _Selector(applies, field_info)
    flat_shapes: dict[tuple[int, str], _Flat | None] = {}
    distinct: dict[bytes, Representation] = {}
    for obj, path in objects:
        typename = obj.get("__typename")
        if not isinstance(typename, str):
            continue
        for fragment in requires:
            if not isinstance(fragment, InlineFragment) or not applies(fragment.type_condition, typename):
                continue
            shape_key = (id(fragment), typename)
            if shape_key not in flat_shapes:
                flat_shapes[shape_key] = _flat(fragment.selections, typename, field_info)
            flat = flat_shapes[shape_key]
            if flat is not None:
                value = _select_flat(obj, flat)
            else:
                try:
                    value = selector.select(obj, typename, fragment.selections)
                except _Missing:
                    value = None
            if value is None:
                break
            if fragment.type_condition in typename_rewrites:
                value["__typename"] = fragment.type_condition
            distinct.setdefault(orjson.dumps(value), Representation(value)).targets.append((obj, path))
            break
    return list(distinct.values())
