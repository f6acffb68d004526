"""Plain leaf and object fields answered directly give what graphql-core's generic path gives: the same
values, the same errors at the same paths and null propagation, and middleware still wraps every field."""

from __future__ import annotations

import datetime
import enum
import warnings
from collections.abc import Callable, Coroutine, Iterator
from decimal import Decimal
from typing import Any, NewType

import pytest
import strawberry
from graphql import GraphQLResolveInfo, Undefined
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionResult, Info

from subgraphs.common.execution import PlainFieldsExecutionContext
from subgraphs.common.plain_fields import PlainLeaf, PlainObject
from tests.subgraphs.common.plain_kinds import plain_of_kind


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


@strawberry.type
class Maker:
    name: str
    code: str

    @strawberry.field
    async def country(self) -> str:
        return "NL"

    @strawberry.field
    async def serial(self) -> str:
        raise RuntimeError("no serial number")


Text = NewType("Text", object)
"""A scalar that coerces any value (`str`): what a value taken as not awaitable would be answered as."""
LaterText = NewType("LaterText", str)
"""A scalar whose coercion is awaitable."""
CountedText = NewType("CountedText", str)
"""A scalar whose coercion is noted in `READS` and gives null."""


async def _tagged(value: object) -> str:
    return f"<{value}>"


def _counted_to_null(value: object) -> None:
    READS.append(f"coerced {value}")


SCALARS = StrawberryConfig(
    scalar_map={
        Text: strawberry.scalar(name="Text", serialize=str, parse_value=str),
        LaterText: strawberry.scalar(name="LaterText", serialize=_tagged, parse_value=str),
        CountedText: strawberry.scalar(name="CountedText", serialize=_counted_to_null, parse_value=str),
    }
)


class Proxy:
    """Stands for a lazy proxy: it answers its target's attributes, `__await__` among them, though
    `await` (which looks at the class) refuses it."""

    def __init__(self, target: object) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)

    def __str__(self) -> str:
        return str(self._target)


class Soon:
    """An awaitable of a text, made only when awaited."""

    def __await__(self) -> Iterator[Any]:
        return _soon().__await__()


READS: list[str] = []
"""The reads of `LoadedRow.missing` and coercions of `CountedText`, cleared by the `reads` fixture."""


class AwaitableError(Exception):
    """An exception that is also awaitable: graphql-core awaits it rather than raising it."""

    def __await__(self) -> Iterator[Any]:
        return _soon().__await__()


@strawberry.type
class Row:
    name: str
    note: str | None
    price: Decimal | None
    later: str
    maker: Maker
    owner: Maker
    spare: Maker | None
    backup: Maker | None
    broken: Maker | None
    pending: Maker | None
    makers: list[Maker]
    maybe: list[Maker | None]
    generated: list[Maker]
    awaited: list[Maker]
    optional_makers: list[Maker] | None
    troubled: list[Maker | None]
    lone: list[Maker | None]
    coming: list[Maker | None]
    vanishing: list[Maker | None]
    vanished: str | None
    gone: str
    missing: str
    proxied: Text
    proxied_later: Text
    tag: LaterText
    counted: CountedText | None
    resolving: str


async def _soon() -> str:
    return "soon"


class LoadedMaker:
    def __init__(self, name: str, code: str | None) -> None:
        self.name = name
        self.code = code


async def _maker_soon() -> LoadedMaker:
    return LoadedMaker("Later Ltd", "LL")


class LoadedRow:
    """Stands for a loaded ORM object: an attribute whose lazy load fails, one that holds an error, one
    that awaits."""

    name = "lamp"
    price: object = ValueError("the price did not parse")

    @property
    def note(self) -> str:
        raise RuntimeError("the lazy load failed")

    @property
    def later(self) -> Coroutine[Any, Any, str]:
        return _soon()  # a fresh coroutine each time it is read

    maker = LoadedMaker("Acme", "AC")
    owner = LoadedMaker("Owner", None)  # its non-null `code` is null, and so must `owner` be
    spare = None
    backup = LoadedMaker("Spare Parts", None)  # a broken row: its non-null `code` is null

    @property
    def broken(self) -> LoadedMaker:
        raise RuntimeError("the maker did not load")

    @property
    def pending(self) -> Coroutine[Any, Any, LoadedMaker]:
        return _maker_soon()

    makers = [maker, backup]  # the second one's non-null `code` is null
    maybe = (maker, None, backup)

    @property
    def generated(self) -> Iterator[LoadedMaker]:
        return iter([self.maker, self.owner])

    @property
    def awaited(self) -> Coroutine[Any, Any, list[LoadedMaker]]:
        return _makers_soon()

    optional_makers = [maker]  # each maker's `serial` fails once awaited
    troubled = (maker, ValueError("the second maker did not load"))
    lone = [maker]

    @property
    def coming(self) -> list[object]:
        return [_maker_soon(), self.maker]

    vanishing = (maker, Undefined)
    vanished = Undefined
    gone = Undefined

    @property
    def missing(self) -> None:
        READS.append("missing")
        return None

    proxied = Proxy("plain text")
    tag = "a"
    counted = "x"
    resolving = AwaitableError("an awaitable error is awaited, not raised")

    @property
    def proxied_later(self) -> Proxy:
        return Proxy(Soon())


async def _makers_soon() -> list[LoadedMaker]:
    return [LoadedMaker("Later Ltd", "LL")]


@strawberry.type
class RowQuery:
    motd: str | None

    @strawberry.field
    def row(self) -> Row:
        return LoadedRow()  # type: ignore[return-value]  # resolvers return ORM objects like it


class Root:
    @property
    def motd(self) -> str:
        raise RuntimeError("no message of the day")


DOCUMENT = "{ __typename items { __typename name price colour madeOn note loud label } }"


def _schema(execution_context_class: Any = None, extensions: list[Any] | None = None) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query, execution_context_class=execution_context_class, extensions=extensions or []
    )


def _row_schema(execution_context_class: Any = None) -> strawberry.Schema:
    return strawberry.Schema(query=RowQuery, execution_context_class=execution_context_class, config=SCALARS)


def _outcome(result: ExecutionResult) -> tuple[Any, list[tuple[str, Any]]]:
    return result.data, [(error.message, error.path) for error in result.errors or ()]


async def _generic_and_plain_rows(document: str) -> tuple[Any, Any]:
    """The outcome of the document without the plain-fields context, then with it."""
    generic = await _row_schema().execute(document, root_value=Root())
    plain = await _row_schema(PlainFieldsExecutionContext).execute(document, root_value=Root())
    return _outcome(generic), _outcome(plain)


@pytest.fixture
def seen() -> list[str]:
    """The fields an extension's resolve hook saw, in order."""
    return []


@pytest.fixture
def watched(seen: list[str]) -> strawberry.Schema:
    """The schema with the plain-fields context and an extension whose resolve hook records `seen`."""

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

    return _schema(PlainFieldsExecutionContext, [Watch])


def test_only_fields_without_resolver_or_extension_of_a_leaf_type_are_plain() -> None:
    leaves = plain_of_kind(_schema(PlainFieldsExecutionContext)._schema, PlainLeaf)

    assert set(leaves["Item"]) == {"name", "price", "colour", "madeOn", "note"}
    assert "Query" not in leaves


def test_a_plain_field_is_marked_non_null_only_when_its_type_is() -> None:
    leaves = plain_of_kind(_schema(PlainFieldsExecutionContext)._schema, PlainLeaf)["Item"]

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


async def test_a_resolve_hook_of_an_extension_still_wraps_plain_fields(
    watched: strawberry.Schema, seen: list[str]
) -> None:
    result = await watched.execute("{ first { name note } }")

    assert result.errors is None
    assert seen == ["first", "name", "note"]


async def test_a_resolve_hook_of_an_extension_wraps_typename_too(
    watched: strawberry.Schema, seen: list[str]
) -> None:
    await watched.execute("{ first { __typename name } }")

    assert seen == ["first", "__typename", "name"]


async def test_a_getter_that_raises_nulls_only_its_field_with_the_error_at_its_path() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { name note } }")

    assert plain == generic
    assert plain == ({"row": {"name": "lamp", "note": None}}, [("the lazy load failed", ["row", "note"])])


async def test_a_root_field_whose_getter_raises_has_the_error_at_its_path() -> None:
    generic, plain = await _generic_and_plain_rows("{ motd row { name } }")

    assert plain == generic
    assert plain[1] == [("no message of the day", ["motd"])]


async def test_an_exception_held_as_the_value_is_the_fields_error() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { name price } }")

    assert plain == generic
    assert plain[1] == [("the price did not parse", ["row", "price"])]


async def test_an_awaitable_value_is_awaited_without_reading_the_field_again() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        generic, plain = await _generic_and_plain_rows("{ row { later } }")

    assert plain == generic
    assert [str(warning.message) for warning in caught] == []  # no coroutine left never awaited


async def test_a_leaf_is_coerced_as_the_generic_path_coerces_it(monkeypatch: pytest.MonkeyPatch) -> None:
    schemas = _schema(), _schema(PlainFieldsExecutionContext)
    for schema in schemas:
        decimal_type = schema._schema.type_map["Decimal"]
        monkeypatch.setattr(decimal_type, "coerce_output_value", lambda value: f"{value} EUR")

    generic, plain = [await schema.execute("{ first { price } }") for schema in schemas]

    assert plain.data == generic.data == {"first": {"price": "12.50 EUR"}}


def test_only_fields_without_resolver_of_an_object_type_are_plain_objects() -> None:
    objects = plain_of_kind(_row_schema(PlainFieldsExecutionContext)._schema, PlainObject)

    assert set(objects["Row"]) == {"maker", "owner", "spare", "backup", "broken", "pending"}
    assert ("RowQuery" in objects, "Maker" in objects) == (False, False)
    assert (objects["Row"]["maker"].non_null, objects["Row"]["spare"].non_null) == (True, False)


async def test_a_plain_object_field_executes_its_selections_as_the_generic_path_does() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { maker { name country } spare { name } } }")

    assert plain == generic
    assert plain == ({"row": {"maker": {"name": "Acme", "country": "NL"}, "spare": None}}, [])


async def test_a_plain_object_whose_getter_raises_is_null_with_the_error_at_its_path() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { name broken { name } } }")

    assert plain == generic
    assert plain == (
        {"row": {"name": "lamp", "broken": None}},
        [("the maker did not load", ["row", "broken"])],
    )


async def test_an_awaitable_plain_object_is_awaited_and_completed() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { pending { name country } } }")

    assert plain == generic
    assert plain[0] == {"row": {"pending": {"name": "Later Ltd", "country": "NL"}}}


async def test_a_null_below_a_nullable_plain_object_nulls_that_object() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { backup { name code } } }")

    assert plain == generic
    assert plain[0] == {"row": {"backup": None}}
    assert [path for _message, path in plain[1]] == [["row", "backup", "code"]]


async def test_a_null_below_a_non_null_plain_object_propagates_past_it() -> None:
    generic, plain = await _generic_and_plain_rows("{ motd row { name owner { name code } } }")

    assert plain == generic
    assert plain[0] is None  # `row` is non-null too, so the null reaches the root
    assert sorted(path for _message, path in plain[1]) == [["motd"], ["row", "owner", "code"]]


async def test_an_error_completing_a_nullable_plain_object_later_nulls_only_that_object() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { name backup { name serial } } }")

    assert plain == generic
    assert plain == (
        {"row": {"name": "lamp", "backup": None}},
        [("no serial number", ["row", "backup", "serial"])],
    )


@pytest.mark.parametrize(
    "document",
    [
        "{ row { makers { name country } } }",
        "{ row { makers { name code } } }",
        "{ row { maybe { name code } } }",
        "{ row { maybe { serial } } }",
        "{ row { generated { name } } }",
        "{ row { awaited { name country } } }",
        "{ row { makers { n: name ... on Maker { name } } } }",
    ],
)
async def test_a_plain_list_of_objects_answers_as_the_generic_path_does(document: str) -> None:
    generic, plain = await _generic_and_plain_rows(document)

    assert plain == generic


async def test_each_object_of_a_plain_list_has_its_sub_selections_executed() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { makers { name country } } }")

    makers = [{"name": "Acme", "country": "NL"}, {"name": "Spare Parts", "country": "NL"}]
    assert plain == generic
    assert plain == ({"row": {"makers": makers}}, [])


async def test_a_null_below_a_non_null_item_of_a_plain_list_propagates_to_the_list() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { name makers { code } } }")

    assert plain == generic
    assert plain == (
        None,
        [("Cannot return null for non-nullable field Maker.code.", ["row", "makers", 1, "code"])],
    )


async def test_an_error_in_a_nullable_item_of_a_plain_list_nulls_only_that_item() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { maybe { name serial } } }")

    assert plain == generic
    assert plain[0] == {"row": {"maybe": [None, None, None]}}
    assert sorted(path for _message, path in plain[1]) == [
        ["row", "maybe", 0, "serial"],
        ["row", "maybe", 2, "serial"],
    ]


@pytest.mark.parametrize(
    "document",
    [
        "{ row { name @skip(if: true) maker { name } } }",
        "{ row { name @include(if: false) maker { name @skip(if: false) } } }",
        "{ row { makers @include(if: true) { name } } }",
    ],
)
async def test_fields_with_directives_answer_as_the_generic_path_does(document: str) -> None:
    generic, plain = await _generic_and_plain_rows(document)

    assert plain == generic


@pytest.fixture
def reads() -> Iterator[list[str]]:
    """The reads of `LoadedRow.missing` during the test."""
    READS.clear()
    yield READS
    READS.clear()


async def test_an_error_reaching_a_nullable_list_of_non_null_objects_later_nulls_the_list() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { name optionalMakers { serial } } }")

    assert plain == generic
    assert plain == (
        {"row": {"name": "lamp", "optionalMakers": None}},
        [("no serial number", ["row", "optionalMakers", 0, "serial"])],
    )


@pytest.mark.parametrize("selection", ["{ name }", "{ __typename }"])
async def test_an_exception_held_as_a_list_item_is_that_items_error(selection: str) -> None:
    generic, plain = await _generic_and_plain_rows(f"{{ row {{ troubled {selection} }} }}")

    assert plain == generic
    assert plain[1] == [("the second maker did not load", ["row", "troubled", 1])]


async def test_errors_of_a_list_with_one_awaited_item_come_in_the_generic_order() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { lone { serial } backup { serial } } }")

    assert plain == generic
    assert [path for _message, path in plain[1]] == [
        ["row", "lone", 0, "serial"],
        ["row", "backup", "serial"],
    ]


async def test_a_list_with_awaitable_items_is_read_once_and_every_item_awaited() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        generic, plain = await _generic_and_plain_rows("{ row { coming { name } } }")

    assert plain == generic
    assert plain == ({"row": {"coming": [{"name": "Later Ltd"}, {"name": "Acme"}]}}, [])
    assert [str(warning.message) for warning in caught] == []  # no coroutine left never awaited


async def test_a_null_in_a_non_null_leaf_is_read_once(reads: list[str]) -> None:
    result = await _row_schema(PlainFieldsExecutionContext).execute("{ row { missing } }")

    assert [error.path for error in result.errors or ()] == [["row", "missing"]]
    assert reads == ["missing"]


@pytest.mark.parametrize(
    "document", ["{ row { vanished } }", "{ row { name gone } }", "{ row { vanishing { name } } }"]
)
async def test_undefined_as_a_value_is_a_null(document: str) -> None:
    generic, plain = await _generic_and_plain_rows(document)

    assert plain == generic


async def test_a_leaf_value_answering_await_is_awaited_though_its_class_was_seen_before() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { proxied } }")
    generic_later, plain_later = await _generic_and_plain_rows("{ row { proxiedLater } }")

    assert (plain, plain_later) == (generic, generic_later)
    assert plain[0] == {"row": {"proxied": "plain text"}} != plain_later[0]


async def test_a_leaf_whose_coercion_is_awaitable_is_awaited() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        generic, plain = await _generic_and_plain_rows("{ row { tag } }")

    assert plain == generic
    assert plain == ({"row": {"tag": "<a>"}}, [])
    assert [str(warning.message) for warning in caught] == []


async def test_a_leaf_coerced_to_null_is_coerced_once(reads: list[str]) -> None:
    result = await _row_schema(PlainFieldsExecutionContext).execute("{ row { counted } }")
    generic = await _row_schema().execute("{ row { counted } }")

    assert _outcome(result) == _outcome(generic)
    assert reads == ["coerced x", "coerced x"]  # once by each executor


async def test_an_awaitable_exception_value_is_awaited_as_the_generic_path_does() -> None:
    generic, plain = await _generic_and_plain_rows("{ row { resolving } }")

    assert plain == generic
    assert plain == ({"row": {"resolving": "soon"}}, [])
