"""Which fields are plain, and how their value is read: the attribute itself where Strawberry's getter
would only read it, else Strawberry's getter."""

from __future__ import annotations

import operator
from typing import Any

import strawberry
from graphql import GraphQLNonNull
from strawberry.schema.config import StrawberryConfig

from subgraphs.common.plain_fields import PlainList, plain_fields
from tests.subgraphs.common.plain_kinds import plain_of_kind


@strawberry.type
class Part:
    name: str


@strawberry.type
class Kit:
    title: str
    parts: list[Part]
    spares: list[Part | None] | None
    labels: list[str]

    @strawberry.field
    def extras(self) -> list[Part]:
        return []


@strawberry.type
class Query:
    kit: Kit


def _schema(config: StrawberryConfig | None = None) -> strawberry.Schema:
    return strawberry.Schema(query=Query, config=config)


def test_a_list_of_objects_without_resolver_is_a_plain_list() -> None:
    lists = plain_of_kind(_schema()._schema, PlainList)["Kit"]

    assert set(lists) == {"parts", "spares"}
    assert (lists["parts"].non_null, isinstance(lists["parts"].item_type, GraphQLNonNull)) == (True, True)
    assert (lists["spares"].non_null, isinstance(lists["spares"].item_type, GraphQLNonNull)) == (False, False)


def test_a_list_of_leaves_is_not_plain() -> None:
    assert "labels" not in plain_fields(_schema()._schema)["Kit"]


def test_a_plain_field_reads_its_attribute_directly_under_the_default_resolver() -> None:
    read = plain_fields(_schema()._schema)["Kit"]["title"].read

    assert isinstance(read, operator.attrgetter)
    assert read(Kit(title="tools", parts=[], spares=None, labels=[])) == "tools"


def test_a_plain_field_reads_through_a_configured_default_resolver() -> None:
    def from_mapping(source: Any, name: str) -> Any:
        return source[name]

    read = plain_fields(_schema(StrawberryConfig(default_resolver=from_mapping))._schema)["Kit"]["title"].read

    assert read({"title": "tools"}) == "tools"
