"""GraphQL types every subgraph shares. Value types resolved by several subgraphs are `@shareable`."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from subgraphs.common.pagination import cursor_bounds


@strawberry.federation.type(shareable=True, description="Where a page sits in a cursor-paginated list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, cursors: Sequence[str], *, has_next_page: bool, has_previous_page: bool) -> PageInfo:
        start, end = cursor_bounds(cursors)
        return cls(
            has_next_page=has_next_page,
            has_previous_page=has_previous_page,
            start_cursor=start,
            end_cursor=end,
        )
