"""The generic connection: SDL names per node type, pages built from (node, cursor) pairs."""

from __future__ import annotations

import strawberry

from subgraphs.common.connections import Connection


@strawberry.type
class Thing:
    name: str


@strawberry.type(description="A page of things.")
class ThingConnection(Connection[Thing]):
    total: strawberry.Private[int]

    @strawberry.field
    def total_count(self) -> int:
        return self.total


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> ThingConnection:
        return ThingConnection.of(
            [(Thing(name="a"), "c1"), (Thing(name="b"), "c2")],
            has_next_page=True,
            has_previous_page=False,
            total=7,
        )


SCHEMA = strawberry.federation.Schema(Query)


def test_a_specialised_connection_is_named_for_its_node_with_its_own_fields() -> None:
    sdl = SCHEMA.as_str()

    assert '"""A page of things."""\ntype ThingConnection {' in sdl
    assert "edges: [ThingEdge!]!\n  pageInfo: PageInfo!\n  nodes: [Thing!]!\n  totalCount: Int!" in sdl
    assert "type ThingEdge {\n  cursor: String!\n  node: Thing!\n}" in sdl


def test_a_page_has_its_edges_nodes_and_bounds_in_order() -> None:
    result = SCHEMA.execute_sync(
        "{ things { edges { cursor node { name } } nodes { name } totalCount"
        " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )

    assert result.errors is None
    assert result.data == {
        "things": {
            "edges": [{"cursor": "c1", "node": {"name": "a"}}, {"cursor": "c2", "node": {"name": "b"}}],
            "nodes": [{"name": "a"}, {"name": "b"}],
            "totalCount": 7,
            "pageInfo": {
                "hasNextPage": True,
                "hasPreviousPage": False,
                "startCursor": "c1",
                "endCursor": "c2",
            },
        }
    }
