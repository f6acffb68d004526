"""Every error a client sees carries `extensions.code`; bugs are masked, domain errors are not."""

from __future__ import annotations

from collections.abc import Iterator

import strawberry
from strawberry.extensions import SchemaExtension

from subgraphs.common.errors import NotFoundError
from subgraphs.common.graphql import INTERNAL_MESSAGE, build_schema


@strawberry.type
class Query:
    @strawberry.field
    def missing(self) -> str | None:
        raise NotFoundError("No such thing.", thingId="42")

    @strawberry.field
    def broken(self) -> str | None:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def echo(self, value: int) -> int:
        return value

    @strawberry.field
    def length(self, text: str) -> int:
        return len(text)


schema = build_schema(query=Query)


async def codes(query: str, variables: dict[str, object] | None = None) -> list[object]:
    result = await schema.execute(query, variable_values=variables)
    return [(error.extensions or {}).get("code") for error in result.errors or []]


async def test_a_syntax_error_is_graphql_parse_failed() -> None:
    assert await codes("{ echo(") == ["GRAPHQL_PARSE_FAILED"]


async def test_an_unknown_field_is_graphql_validation_failed() -> None:
    assert await codes("{ nope }") == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_variable_of_the_wrong_type_is_bad_user_input() -> None:
    assert await codes("query($v: Int!) { echo(value: $v) }", {"v": "seven"}) == ["BAD_USER_INPUT"]


async def test_a_domain_error_keeps_its_code_message_and_details() -> None:
    result = await schema.execute("{ missing }")
    assert result.errors is not None
    error = result.errors[0]
    assert (error.message, error.extensions) == ("No such thing.", {"code": "NOT_FOUND", "thingId": "42"})


async def test_an_unexpected_exception_is_masked() -> None:
    result = await schema.execute("{ broken }")
    assert result.errors is not None
    error = result.errors[0]
    assert (error.message, error.extensions, error.path) == (
        INTERNAL_MESSAGE,
        {"code": "INTERNAL_SERVER_ERROR"},
        ["broken"],
    )
    assert result.data == {"broken": None}


async def test_repeated_documents_are_parsed_once() -> None:
    from strawberry.extensions.parser_cache import _get_parse_cache

    cached_parse = _get_parse_cache(1024)
    before = cached_parse.cache_info().hits  # type: ignore[attr-defined]
    await schema.execute("{ echo(value: 1) }")
    await schema.execute("{ echo(value: 1) }")
    assert cached_parse.cache_info().hits > before  # type: ignore[attr-defined]


async def test_text_with_a_nul_character_is_bad_user_input() -> None:
    as_variable = await codes("query($t: String!) { length(text: $t) }", {"t": "a\x00b"})
    as_literal = await codes('query { length(text: "a\\u0000b") }')
    fine = await schema.execute('query { length(text: "ab") }')
    assert as_variable == ["BAD_USER_INPUT"]
    assert as_literal == ["BAD_USER_INPUT"]
    assert fine.data == {"length": 2}


class BrokenExtension(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        raise AttributeError("'Session' object has no attribute 'secret'")
        yield


async def test_an_exception_outside_any_field_is_masked_too() -> None:
    """An extension's bug is no more the client's mistake than a resolver's."""
    with_broken_extension = build_schema(query=Query)
    with_broken_extension.extensions = (*with_broken_extension.extensions, BrokenExtension)
    result = await with_broken_extension.execute("{ echo(value: 1) }")
    assert result.errors is not None
    error = result.errors[0]
    assert (error.message, error.extensions) == (INTERNAL_MESSAGE, {"code": "INTERNAL_SERVER_ERROR"})
