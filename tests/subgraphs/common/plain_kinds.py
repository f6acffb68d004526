"""The plain fields of one kind, per type name: what the tests of which fields are plain look at."""

from __future__ import annotations

from typing import TypeVar

from graphql import GraphQLSchema

from subgraphs.common.plain_fields import PlainLeaf, PlainList, PlainObject, plain_fields

Kind = TypeVar("Kind", PlainLeaf, PlainObject, PlainList)


def plain_of_kind(schema: GraphQLSchema, kind: type[Kind]) -> dict[str, dict[str, Kind]]:
    selected: dict[str, dict[str, Kind]] = {}
    for type_name, fields in plain_fields(schema).items():
        for field_name, plain in fields.items():
            if isinstance(plain, kind):
                selected.setdefault(type_name, {})[field_name] = plain
    return selected
