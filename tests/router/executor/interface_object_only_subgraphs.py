"""Strawberry subgraphs for `tests/router/supergraphs/interface_object_only.py`.

`b` holds `Node` and `Baked` as `@interfaceObject`s with keys that are not resolvable, so only its own
`Query.b` reaches their fields.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

# -- a ------------------------------------------------------------------------------------------------


@strawberry.federation.interface(keys=["id"])
class Node:
    id: strawberry.ID


@strawberry.federation.interface(keys=["id"])
class Baked:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Bread(Baked):
    flour: str | None


@strawberry.type(name="Query")
class BakeryQuery:
    @strawberry.field
    def a(self) -> Node | None:
        return None

    @strawberry.field
    def breads(self) -> list[Bread | None] | None:
        return [Bread(id=strawberry.ID("r1"), flour="rye")]


# -- b ------------------------------------------------------------------------------------------------


@strawberry.federation.interface_object(keys=[Key(fields=FieldSet("id"), resolvable=False)], name="Node")
class NodeObject:
    id: strawberry.ID
    field: str | None


@strawberry.federation.interface_object(keys=[Key(fields=FieldSet("id"), resolvable=False)], name="Baked")
class BakedObject:
    id: strawberry.ID
    oven: str | None


@strawberry.type(name="Query")
class NodesQuery:
    @strawberry.field
    def b(self) -> NodeObject | None:
        return NodeObject(id=strawberry.ID("n1"), field="foo")


def interface_object_only_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=BakeryQuery, types=(Node, Bread))),
        "b": GraphQL(strawberry.federation.Schema(query=NodesQuery, types=(BakedObject,))),
    }
