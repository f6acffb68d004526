"""What a request selects below a field, so a resolver can load up front what its children will read.

A child that reads already-loaded data resolves synchronously (no coroutine or task per item); its
parent loads that data once, when the selection asks for it, instead of every child awaiting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry.types import Info


def _selects(
    selection_set: SelectionSetNode | None, name: str, fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value == name or _selects(selection.selection_set, name, fragments):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _selects(selection.selection_set, name, fragments):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None and _selects(fragment.selection_set, name, fragments):
                return True
    return False


def selects_anywhere(info: Info[Any, Any], name: str) -> bool:
    """Whether a field called `name` (its schema name, not an alias) is selected anywhere below the
    current field, fragments included.

    It walks graphql-core's syntax tree of the request (`Info._raw_info`): Strawberry's
    `info.selected_fields` builds a converted copy of the whole selection on every call, which cost
    about 4% of a catalogue page's CPU."""
    raw = info._raw_info
    return any(_selects(node.selection_set, name, raw.fragments) for node in raw.field_nodes)
