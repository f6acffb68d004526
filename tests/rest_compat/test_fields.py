"""The REST layer's value rules (`rest_compat.fields`): each pattern means the same to every engine that
reads it, and what the OpenAPI document allows, the subgraph behind it accepts."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

import jsonschema_rs
import pytest
from pydantic import TypeAdapter, ValidationError

from rest_compat import fields
from rest_compat.models import ProductIn
from subgraphs.common.errors import BadUserInputError
from subgraphs.products import schemas as products
from subgraphs.users import schemas as users

TRICKY = [
    "",
    " ",
    "a",
    "Ada",
    "  Ada  ",
    "Ada\n",
    "\nAda",
    "Ada\x00",
    "\x00",
    "\u00a0",
    "\u0085",
    "\x1c",
    "\u2028",
    "\u3000",
    "\ufeff",
    "\ufeffAda",
    "Zoë",
    "😀",
    "a@b.c",
    " a@b.c",
    "a@b.c ",
    "a@b.c\n",
    "a@b",
    "a b@c.d",
    "a@@b.c",
    "a@b.c\u00a0",
    "a@b.c\ufeff",
    "a\x00@b.c",
    "+44 20 7946 0018",
    "+44 20 7946 0018 ",
    "12345 ",
    "123456",
    "(020) 7946-0018",
    "http://example.com",
    "HTTPS://example.com/a b",
    "https://example.com/a.jpg?size=2#top",
    "https://",
    "http://[::1]/x",
    "ftp://example.com",
    "http://exa\u00a0mple.com",
    "6a7ab0f0-3a0f-5cf4-8f4e-6a3f2ff0b0c1",
    "6A7AB0F0-3A0F-5CF4-8F4E-6A3F2FF0B0C1",
    "6a7ab0f03a0f5cf48f4e6a3f2ff0b0c1",
    "{6a7ab0f0-3a0f-5cf4-8f4e-6a3f2ff0b0c1}",
]
PATTERNS = [
    fields.TEXT_PATTERN,
    fields.NOT_BLANK_PATTERN,
    fields.EMAIL_PATTERN,
    fields.PHONE_PATTERN,
    fields.IMAGE_URL_PATTERN,
    fields.UUID_PATTERN,
    fields.CARD_NUMBER_PATTERN,
    fields.PRICE_TEXT_PATTERN,
]


def test_the_whitespace_class_is_every_character_python_trims() -> None:
    whitespace = re.compile(f"[{fields.WHITESPACE}]")
    listed = {chr(code) for code in range(sys.maxunicode + 1) if whitespace.fullmatch(chr(code))}
    trimmed = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert listed == trimmed


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_means_the_same_to_json_schema_pydantic_and_python(pattern: str) -> None:
    json_schema = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": pattern})
    constrained: TypeAdapter[str] = TypeAdapter(
        Annotated[str, fields.text(max_length=10_000, pattern=pattern)]
    )
    for sample in TRICKY:
        by_json_schema = json_schema.is_valid(sample)
        by_python = re.fullmatch(pattern, sample) is not None
        try:
            constrained.validate_python(sample)
            by_pydantic = True
        except ValidationError:
            by_pydantic = False
        assert by_json_schema == by_pydantic == by_python, (pattern, sample)


def _accepted(rule: Callable[[str], object], value: str) -> bool:
    try:
        rule(value)
    except BadUserInputError:
        return False
    return True


SUBGRAPH_RULES: list[tuple[str, Any, Callable[[str], object]]] = [
    ("email", fields.Email, users.normalize_email),
    ("first name", fields.Name, lambda value: users.person_name(value, "firstName")),
    ("phone", fields.Phone, users.phone_number),
    ("image URL", fields.ImageUrl, products.image_url),
]


@pytest.mark.parametrize(("kind", "field", "rule"), SUBGRAPH_RULES, ids=[kind for kind, *_ in SUBGRAPH_RULES])
def test_what_the_document_allows_the_subgraph_accepts(
    kind: str, field: Any, rule: Callable[[str], object]
) -> None:
    allowed: TypeAdapter[str] = TypeAdapter(field)
    accepted = 0
    for sample in TRICKY:
        try:
            allowed.validate_python(sample)
        except ValidationError:
            continue  # the REST layer may be stricter (no surrounding whitespace, no spaces in URLs)
        accepted += 1
        assert _accepted(rule, sample), (kind, sample)
    assert accepted > 0


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        (129.99, Decimal("129.99")),
        ("129.99", Decimal("129.99")),
        (0, Decimal(0)),
        ("0", Decimal(0)),
        (12, Decimal(12)),
        (9999999999.99, Decimal("9999999999.99")),
        ("9999999999.99", Decimal("9999999999.99")),
    ],
)
def test_a_price_is_a_number_or_a_decimal_string_in_cents(price: object, expected: Decimal) -> None:
    document = jsonschema_rs.Draft202012Validator(fields.PRICE_SCHEMA)

    assert ProductIn.model_validate({"name": "Lamp", "price": price}).price == expected
    assert document.is_valid(price)


@pytest.mark.parametrize(
    "price",
    [
        "",
        "abc",
        "1.005",
        "-1",
        "1e2",
        " 1.5",
        "1_000",
        "+1",
        "NaN",
        "10000000000",
        -1,
        1.005,
        0.5700000000000001,
        True,
        None,
    ],
)
def test_a_price_the_document_refuses_is_refused(price: object) -> None:
    document = jsonschema_rs.Draft202012Validator(fields.PRICE_SCHEMA)

    with pytest.raises(ValidationError):
        ProductIn.model_validate({"name": "Lamp", "price": price})
    assert not document.is_valid(price)
