"""What the subgraphs declare for the router's demand control: `@listSize` and `@cost` (Federation 2.9).

The router estimates an operation's cost before it calls any subgraph; a list counts as many items as
its `@listSize` says (otherwise as the router's default), so every list field says how long it gets,
and a field that costs more than the objects it returns says so with `@cost`. docs/router.md has the
rules.
"""

from __future__ import annotations

from strawberry.federation.schema_directives import Cost, ListSize
from strawberry.types.unset import UNSET

from subgraphs.common.pagination import DEFAULT_PAGE_SIZE

COUNT_WEIGHT = 5
"""A `totalCount`: one more query over every match, not just the page."""

SEARCH_WEIGHT = 10
"""A full-text (trigram) search, dearer than a keyed listing."""


def connection_size() -> ListSize:
    """A cursor connection: `edges` and `nodes` hold `first` items, a default page when it is omitted."""
    return ListSize(
        slicing_arguments=["first"],
        sized_fields=["edges", "nodes"],
        assumed_size=DEFAULT_PAGE_SIZE,
        require_one_slicing_argument=False,
    )


def page_size() -> ListSize:
    """A plain list paged by `first`, a default page when it is omitted."""
    return ListSize(
        slicing_arguments=["first"],
        sized_fields=UNSET,  # left out of the SDL
        assumed_size=DEFAULT_PAGE_SIZE,
        require_one_slicing_argument=False,
    )


def assumed_size(size: int) -> ListSize:
    """A list without paging whose length is bounded in practice (order lines, a category's children)."""
    return ListSize(
        slicing_arguments=UNSET, sized_fields=UNSET, assumed_size=size, require_one_slicing_argument=False
    )


def count_cost() -> Cost:
    return Cost(weight=COUNT_WEIGHT)


def search_cost() -> Cost:
    return Cost(weight=SEARCH_WEIGHT)
