"""What a request selects below a field, so a resolver can load up front what its children will read.

A child that reads already-loaded data resolves synchronously (no coroutine or task per item); its
parent loads that data once, when the selection asks for it, instead of every child awaiting it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection


def _selects(selections: Iterable[Selection], name: str) -> bool:
    return any(
        (isinstance(selection, SelectedField) and selection.name == name)
        or _selects(selection.selections, name)
        for selection in selections
    )


def selects_anywhere(info: Info[Any, Any], name: str) -> bool:
    """Whether a field called `name` (its schema name) is selected anywhere below the current field."""
    return _selects(info.selected_fields, name)


def resolved_later(awaitable: Awaitable[Any]) -> Any:
    """An awaitable handed back by a synchronous resolver: graphql-core awaits whatever a resolver
    returns when it is awaitable, so a resolver answers at once when its data is loaded and waits only
    when it is not (typed Any, as the resolver's annotation names the GraphQL type)."""
    return awaitable
