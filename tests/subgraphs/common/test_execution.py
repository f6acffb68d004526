"""Plain leaf fields answered directly give what graphql-core's generic path gives: the same values,
the same non-null errors and null propagation, and middleware still wraps every field."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import strawberry
from graphql import GraphQLResolveInfo
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types import Info

from subgraphs.common.execution import PlainFieldsExecutionContext, plain_leaves


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    DEEP_BLUE = "deep-blue"


class Shout(FieldExtension):
    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        return str(next_(source, info, **kwargs)).upper()


@strawberry.type
class Item:
    name: str
    price: Decimal
    colour: Colour
    made_on: datetime.date
    note: str | None
    loud: str = strawberry.field(extensions=[Shout()])

    @strawberry.field
    def label(self) -> str:
        return f"label of {self.name}"


def _items() -> list[Item]:
    return [
        Item(
            name="lamp",
            price=Decimal("12.50"),
            colour=Colour.DEEP_BLUE,
            made_on=datetime.date(2026, 1, 2),
            note=None,
            loud="quiet",
        ),
        Item(
            name=None,  # type: ignore[arg-type]  # a broken row: the non-null error must surface
            price=Decimal(1),
            colour=Colour.RED,
            made_on=datetime.date(2026, 1, 3),
            note="n",
            loud="x",
        ),
    ]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return list(_items())

    @strawberry.field
    def first(self) -> Item:
        return _items()[0]


DOCUMENT = "{ __typename items { __typename name price colour madeOn note loud label } }"


def _schema(execution_context_class: Any = None, extensions: list[Any] | None = None) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query, execution_context_class=execution_context_class, extensions=extensions or []
    )


def test_only_fields_without_resolver_or_extension_of_a_leaf_type_are_plain() -> None:
    leaves = plain_leaves(_schema(PlainFieldsExecutionContext)._schema)

    assert set(leaves["Item"]) == {"name", "price", "colour", "madeOn", "note"}
    assert "Query" not in leaves


def test_a_plain_field_is_marked_non_null_only_when_its_type_is() -> None:
    leaves = plain_leaves(_schema(PlainFieldsExecutionContext)._schema)["Item"]

    assert leaves["name"].non_null
    assert not leaves["note"].non_null


@pytest.mark.parametrize(
    "document",
    [
        DOCUMENT,
        "{ first { name colour price madeOn note loud } }",
        "{ first { ... on Item { n: name c: colour } name } }",
    ],
)
async def test_the_answer_is_the_generic_executors_answer(document: str) -> None:
    generic = await _schema().execute(document)
    plain = await _schema(PlainFieldsExecutionContext).execute(document)

    assert plain.data == generic.data
    assert [(error.message, error.path) for error in plain.errors or ()] == [
        (error.message, error.path) for error in generic.errors or ()
    ]


async def test_a_null_in_a_non_null_plain_field_nulls_its_object_with_an_error_at_its_path() -> None:
    result = await _schema(PlainFieldsExecutionContext).execute("{ items { name colour } }")

    assert result.data == {"items": [{"name": "lamp", "colour": "DEEP_BLUE"}, None]}
    assert [error.path for error in result.errors or ()] == [["items", 1, "name"]]


async def test_a_resolve_hook_of_an_extension_still_wraps_plain_fields() -> None:
    seen: list[str] = []

    class Watch(SchemaExtension):
        def resolve(
            self,
            _next: Callable[..., Any],
            root: Any,
            info: GraphQLResolveInfo[Any],
            *args: Any,
            **kwargs: Any,
        ) -> Any:
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    result = await _schema(PlainFieldsExecutionContext, [Watch]).execute("{ first { name note } }")

    assert result.errors is None
    assert seen == ["first", "name", "note"]
