"""Operation limits, checked once per operation before any subgraph call: the operation's length in
characters and lexer tokens (checked by the gateway around parsing, so parsing itself is bounded), then
depth, aliases and root fields on the normalized operation.

Depth counts nested fields through inlined fragments; `__typename` and introspection count like any
field. A limit of None means unlimited. The defaults are the settings' (router/config.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from router.errors import RequestError
from router.plan.operation import Operation, select_operation
from router.plan.selection import Field, Selection


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
            raise _over(code, what, actual, limit)


def _document_aliases(node: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]) -> int:
    """Aliases in a selection set and in the fragments it reaches, each fragment counted once."""
    count, pending, seen = 0, [node], set[str]()
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                count += 1 if selection.alias else 0
                pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                if (fragment := fragments.get(selection.name.value)) is not None:
                    pending.append(fragment.selection_set)
    return count


def _over(code: str, what: str, actual: int, limit: int) -> LimitExceeded:
    return LimitExceeded(code, f"The operation's {what} ({actual}) exceeds the limit of {limit}.")


def check_document_limits(
    document: DocumentNode, operation_name: str | None, limits: OperationLimits
) -> None:
    """Refuse, before validation and planning, an operation whose aliases or root fields are over a limit
    already in its text. These counts are lower bounds of the normalized ones (a fragment spread twice
    counts once here), so nothing under the limit is refused; `check_limits` makes the exact check after.
    Validating a thousand aliased fields costs graphql-core quadratic time, which this check spares."""
    try:
        operation = select_operation(document, operation_name)
    except RequestError:
        return  # validation and normalization report it
    fragments = {
        node.name.value: node for node in document.definitions if isinstance(node, FragmentDefinitionNode)
    }
    if limits.max_aliases is not None:
        aliases = _document_aliases(operation.selection_set, fragments)
        if aliases > limits.max_aliases:
            raise _over("MAX_ALIASES_LIMIT", "number of aliases", aliases, limits.max_aliases)
    if limits.max_root_fields is not None:
        roots = sum(1 for selection in operation.selection_set.selections if isinstance(selection, FieldNode))
        if roots > limits.max_root_fields:
            raise _over("MAX_ROOT_FIELDS_LIMIT", "number of root fields", roots, limits.max_root_fields)


# Strings, block strings and comments (where a colon means nothing), then argument and variable lists: in
# GraphQL parentheses never nest, and every colon outside them and outside strings is an alias's.
_OPAQUE = re.compile(r'"""(?:\\"""|[^"]|"(?!""))*"""|"(?:\\.|[^"\\\n\r])*"|#[^\n\r]*')
_PARENTHESIZED = re.compile(r"\([^()]*\)")


def aliases_in_text(query: str) -> int:
    """The aliases in a document's text, counted by regular expressions (in C) before any parsing.

    graphql-core parses about 8 µs per token, so a 1000-alias document costs 100 ms to parse; this count
    costs a fraction of a millisecond. It covers every operation and fragment of the document, each
    fragment once: for the one-operation documents clients send, never more than the normalized count.
    """
    if '"' in query or "#" in query:
        query = _OPAQUE.sub(" ", query)
    bare = _PARENTHESIZED.sub(" ", query)
    return bare.count(":")


def check_text_limits(query: str, limits: OperationLimits) -> None:
    """Refuse, before parsing, a document whose text alone breaks the alias limit."""
    if limits.max_aliases is not None and (aliases := aliases_in_text(query)) > limits.max_aliases:
        raise _over("MAX_ALIASES_LIMIT", "number of aliases", aliases, limits.max_aliases)
