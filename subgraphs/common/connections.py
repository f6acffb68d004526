"""Relay-style connections, once for every subgraph: `Edge[Node]` and `Connection[Node]`.

Strawberry names a specialised generic after its node, so `Edge[Product]` is `ProductEdge` in the SDL.
A subgraph subclasses `Connection[Node]` to name its connection, give it a description and add fields
of its own (`totalCount`); `Connection.of` builds any of them from a page's `(node, cursor)` pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Self, TypeVar

import strawberry

from subgraphs.common.graphql_types import PageInfo

NodeT = TypeVar("NodeT")


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(
        cls,
        nodes_and_cursors: Sequence[tuple[NodeT, str]],
        *,
        has_next_page: bool,
        has_previous_page: bool,
        **fields: Any,
    ) -> Self:
        """A page of `nodes_and_cursors`; `fields` are a subclass's own (private) fields."""
        edges = [Edge(cursor=cursor, node=node) for node, cursor in nodes_and_cursors]
        page_info = PageInfo.of(
            [edge.cursor for edge in edges],
            has_next_page=has_next_page,
            has_previous_page=has_previous_page,
        )
        return cls(edges=edges, page_info=page_info, **fields)
