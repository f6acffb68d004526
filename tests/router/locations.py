"""Where a piece of text starts in an operation, as GraphQL error `locations` give it."""

from __future__ import annotations


def location_of(query: str, text: str, occurrence: int = 1) -> dict[str, int]:
    """The line and column (both from 1) where the `occurrence`-th `text` starts in `query`."""
    offset = -1
    for _ in range(occurrence):
        offset = query.index(text, offset + 1)
    before = query[:offset]
    return {"line": before.count("\n") + 1, "column": offset - (before.rfind("\n") + 1) + 1}
