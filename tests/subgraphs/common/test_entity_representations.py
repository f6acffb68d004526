"""`_entities` checks each representation: a bad one is BAD_USER_INPUT at its own index while the others
resolve, batched as before; a call over `max_representations` is refused before anything is loaded.

A small schema of its own, with a loader that counts its batches (each would be one SQL query).
"""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from aiodataloader import DataLoader
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import ExecutionResult, Info

from subgraphs.common.graphql import build_schema
from subgraphs.common.ids import parse_id


class CountingLoader(DataLoader[str, str]):
    """Books by id (any UUID exists), remembering each batch it was asked for."""

    def __init__(self, batches: list[list[str]]) -> None:
        super().__init__()
        self.batches = batches

    async def batch_load_fn(self, keys: list[str]) -> list[str]:
        self.batches.append(list(keys))
        return [f"title of {key}" for key in keys]


@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID
    title: str

    @classmethod
    async def resolve_reference(cls, info: Info[dict[str, Any], None], id: strawberry.ID) -> Book:
        book_id = str(parse_id(id))
        return cls(id=strawberry.ID(book_id), title=await info.context["books"].load(book_id))


@strawberry.federation.type(keys=[Key(fields=FieldSet("id")), Key(fields=FieldSet("isbn"))])
class Edition:
    id: strawberry.ID | None
    isbn: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID | None = None, isbn: str | None = None) -> Edition:
        return cls(id=id, isbn=isbn)


@strawberry.federation.type(keys=["id"])
class Shelf:
    id: strawberry.ID
    label: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, label: str) -> Shelf:
        return cls(id=id, label=label)


@strawberry.type
class Note:
    text: str


@strawberry.type
class Query:
    @strawberry.field
    def note(self) -> Note:
        return Note(text="not an entity")


MAX = 5
schema = build_schema(query=Query, types=[Book, Edition, Shelf], max_representations=MAX)
ENTITIES = """query($r: [_Any!]!) {
  _entities(representations: $r) { ... on Book { id title } ... on Edition { editionId: id isbn } }
}"""
BOOK = "6a9f6d3e-8c5b-4f3e-9a57-0b1c2d3e4f50"
OTHER_BOOK = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70"


@pytest.fixture
def batches() -> list[list[str]]:
    """The batches the books loader was asked for, in the test's calls."""
    return []


async def entities(representations: list[Any], batches: list[list[str]]) -> ExecutionResult:
    context = {"books": CountingLoader(batches)}
    return await schema.execute(ENTITIES, variable_values={"r": representations}, context_value=context)


def book(book_id: Any = BOOK) -> dict[str, Any]:
    return {"__typename": "Book", "id": book_id}


def errors_by_path(result: ExecutionResult) -> dict[tuple[Any, ...], str | None]:
    return {tuple(error.path or ()): (error.extensions or {}).get("code") for error in result.errors or []}


async def one_bad(representation: Any, batches: list[list[str]]) -> ExecutionResult:
    """The bad representation between two good ones, which resolve in one batch."""
    result = await entities([book(), representation, book(OTHER_BOOK)], batches)
    assert result.data is not None
    assert result.data["_entities"][0] == {"id": BOOK, "title": f"title of {BOOK}"}
    assert result.data["_entities"][1] is None
    assert result.data["_entities"][2] == {"id": OTHER_BOOK, "title": f"title of {OTHER_BOOK}"}
    assert batches == [[BOOK, OTHER_BOOK]]
    return result


async def test_a_representation_without_its_key_is_bad_user_input_at_its_index(
    batches: list[list[str]],
) -> None:
    result = await one_bad({"__typename": "Book"}, batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}
    assert result.errors is not None
    assert result.errors[0].message == "A representation of Book needs its key: id."


async def test_a_null_key_is_bad_user_input_at_its_index(batches: list[list[str]]) -> None:
    result = await one_bad(book(None), batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}


async def test_an_unknown_typename_is_bad_user_input_at_its_index(batches: list[list[str]]) -> None:
    result = await one_bad({"__typename": "Magazine", "id": BOOK}, batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}


async def test_a_type_that_is_not_an_entity_is_bad_user_input_at_its_index(
    batches: list[list[str]],
) -> None:
    result = await one_bad({"__typename": "Note", "text": "x"}, batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}


@pytest.mark.parametrize("representation", ["Book", 7, {"id": BOOK}, {"__typename": 3, "id": BOOK}])
async def test_a_representation_without_a_typename_is_bad_user_input_at_its_index(
    batches: list[list[str]], representation: Any
) -> None:
    result = await one_bad(representation, batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}


@pytest.mark.parametrize("key", [True, 1.5, {"id": BOOK}, [BOOK]], ids=["bool", "float", "object", "list"])
async def test_a_key_of_the_wrong_type_is_bad_user_input_at_its_index(
    batches: list[list[str]], key: Any
) -> None:
    result = await one_bad(book(key), batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}


async def test_a_malformed_id_is_bad_user_input_at_its_index(batches: list[list[str]]) -> None:
    result = await one_bad(book("not-a-uuid"), batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}


async def test_a_field_the_resolver_does_not_take_is_bad_user_input_at_its_index(
    batches: list[list[str]],
) -> None:
    result = await one_bad({**book(), "title": "smuggled"}, batches)
    assert errors_by_path(result) == {("_entities", 1): "BAD_USER_INPUT"}


async def test_a_field_the_resolver_needs_besides_the_key_is_required(batches: list[list[str]]) -> None:
    result = await entities([{"__typename": "Shelf", "id": "1"}], batches)

    assert errors_by_path(result) == {("_entities", 0): "BAD_USER_INPUT"}
    assert result.errors is not None
    assert result.errors[0].message == "A representation of Shelf needs label."


async def test_the_good_representations_load_in_one_batch_around_the_bad_ones(
    batches: list[list[str]],
) -> None:
    result = await entities(
        [book(), {"__typename": "Book"}, book("nope"), book(OTHER_BOOK), book(True)], batches
    )

    assert errors_by_path(result) == {
        ("_entities", 1): "BAD_USER_INPUT",
        ("_entities", 2): "BAD_USER_INPUT",
        ("_entities", 4): "BAD_USER_INPUT",
    }
    assert batches == [[BOOK, OTHER_BOOK]]


async def test_either_key_of_an_entity_with_two_keys_resolves(batches: list[list[str]]) -> None:
    result = await entities(
        [{"__typename": "Edition", "id": 7}, {"__typename": "Edition", "isbn": "978-0"}], batches
    )

    assert result.errors is None
    assert result.data == {
        "_entities": [{"editionId": "7", "isbn": None}, {"editionId": None, "isbn": "978-0"}]
    }


async def test_an_entity_with_two_keys_needs_one_of_them(batches: list[list[str]]) -> None:
    result = await entities([{"__typename": "Edition"}], batches)

    assert errors_by_path(result) == {("_entities", 0): "BAD_USER_INPUT"}
    assert result.errors is not None
    assert result.errors[0].message == "A representation of Edition needs its key: id or isbn."


async def test_more_than_max_representations_is_refused_before_anything_loads(
    batches: list[list[str]],
) -> None:
    result = await entities([book()] * (MAX + 1), batches)

    assert result.data is None
    assert errors_by_path(result) == {("_entities",): "BAD_USER_INPUT"}
    assert result.errors is not None
    assert (result.errors[0].extensions or {})["maxRepresentations"] == MAX
    assert batches == []


async def test_max_representations_resolve(batches: list[list[str]]) -> None:
    result = await entities([book()] * MAX, batches)

    assert result.errors is None
    assert result.data is not None
    assert len(result.data["_entities"]) == MAX
    assert batches == [[BOOK]]


@strawberry.type
class Owner:
    id: strawberry.ID


@strawberry.federation.type(keys=["owner { id }"])
class Pet:
    owner: Owner

    @classmethod
    def resolve_reference(cls, owner: dict[str, Any]) -> Pet:
        return cls(owner=Owner(id=owner["id"]))


def test_an_entity_with_a_nested_key_is_refused_when_the_schema_is_built() -> None:
    with pytest.raises(ValueError, match="nested key fields"):
        build_schema(query=Query, types=[Pet])


def test_the_default_cap_is_the_routers_max_representations() -> None:
    assert build_schema(query=Query, types=[Book]).max_representations == 100
