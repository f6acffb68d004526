"""Operation limits, checked once per operation before any subgraph call: the operation's length in
characters and lexer tokens (checked by the gateway around parsing, so parsing itself is bounded), then
depth, aliases and root fields on the normalized operation.

Depth counts nested fields through inlined fragments; `__typename` and introspection count like any
field. A limit of None means unlimited. The defaults are the settings' (router/config.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from router.errors import RequestError
from router.planner.operation import Operation
from router.planner.selection import Field, Selection


@dataclass(frozen=True, slots=True)
class OperationLimits:
    max_depth: int | None = None
    max_aliases: int | None = None
    max_root_fields: int | None = None
    max_tokens: int | None = None
    max_operation_characters: int = 1_000_000


class LimitExceeded(RequestError):
    """The operation is larger than the router accepts."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _depth(selections: tuple[Selection, ...]) -> int:
    deepest = 0
    for selection in selections:
        below = _depth(selection.selections)
        deepest = max(deepest, below + 1 if isinstance(selection, Field) else below)
    return deepest


def _aliases(selections: tuple[Selection, ...]) -> int:
    return sum(
        (1 if isinstance(selection, Field) and selection.alias else 0) + _aliases(selection.selections)
        for selection in selections
    )


def _root_fields(selections: tuple[Selection, ...]) -> int:
    return sum(1 if isinstance(s, Field) else _root_fields(s.selections) for s in selections)


def check_limits(operation: Operation, limits: OperationLimits) -> None:
    """Raise `LimitExceeded` when the operation breaks a configured limit."""
    checks = (
        (limits.max_depth, _depth, "MAX_DEPTH_LIMIT", "depth"),
        (limits.max_aliases, _aliases, "MAX_ALIASES_LIMIT", "number of aliases"),
        (limits.max_root_fields, _root_fields, "MAX_ROOT_FIELDS_LIMIT", "number of root fields"),
    )
    for limit, measure, code, what in checks:
        if limit is not None and (actual := measure(operation.selections)) > limit:
            raise LimitExceeded(code, f"The operation's {what} ({actual}) exceeds the limit of {limit}.")
