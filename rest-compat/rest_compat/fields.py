"""What each kind of value sent to the REST layer may be: the subgraphs' own rules, said in JSON Schema.

The OpenAPI document promises exactly what the API accepts, so every rule a subgraph applies to a value
is written here as a JSON Schema constraint (a length, a pattern, a bound) that Pydantic enforces with
the same pattern, and a value the document allows is never refused further down. Where a subgraph
first trims whitespace, the pattern refuses surrounding whitespace instead, so what is sent is what is
checked.

Patterns must mean the same in every engine that reads them: ECMA 262 (OpenAPI clients and fuzzers),
Rust's `regex` (Pydantic, jsonschema-rs) and Python's `re` (the subgraphs). So they use explicit
character classes with `\\uXXXX` escapes, never `\\s`, `\\d` or `\\w`, whose meaning differs between them.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

NUL = "\\u0000"
# Every character Python's `str.strip()` removes and its `re` calls `\s` (the subgraphs trim these).
WHITESPACE = (
    "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
TEXT_PATTERN = f"^[^{NUL}]*$"
NOT_BLANK_PATTERN = f"^[^{NUL}]*[^{NUL}{WHITESPACE}][^{NUL}]*$"
# The users subgraph: `^[^@\s]+@[^@\s]+\.[^@\s]+$` on the trimmed address.
EMAIL_PATTERN = f"^[^@{NUL}{WHITESPACE}]+@[^@{NUL}{WHITESPACE}]+\\.[^@{NUL}{WHITESPACE}]+$"
# The users subgraph: `^\+?[0-9][0-9 ()-]{5,19}$` on the trimmed number; an empty one clears it.
PHONE_PATTERN = "^(\\+?[0-9][0-9 ()-]{4,18}[0-9()-])?$"
# The products subgraph: an http(s) URL with a host. The host is kept to URL characters (no brackets:
# Python's URL parser refuses unbalanced ones), and no URL holds whitespace.
IMAGE_URL_PATTERN = f"^[hH][tT][tT][pP][sS]?://[A-Za-z0-9._~%!$&'()*+,;=:@-]+([/?#][^{NUL}{WHITESPACE}]*)?$"
# Ids are UUIDs, in their usual spelling.
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# The orders subgraph drops spaces and hyphens, then wants 12 to 19 digits (that pass the Luhn check).
CARD_NUMBER_PATTERN = "^[ -]*([0-9][ -]*){12,19}$"
MAX_PRICE = Decimal("9999999999.99")
PRICE_TEXT_PATTERN = "^[0-9]{1,10}(\\.[0-9]{1,2})?$"


def text(*, max_length: int, min_length: int | None = None, pattern: str = TEXT_PATTERN) -> StringConstraints:
    """Text up to `max_length` characters matching `pattern` (by default: any text without NUL, which
    PostgreSQL cannot store and every subgraph refuses)."""
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=pattern)


Name = Annotated[str, text(min_length=1, max_length=100, pattern=NOT_BLANK_PATTERN)]
Email = Annotated[str, text(min_length=5, max_length=254, pattern=EMAIL_PATTERN)]
Phone = Annotated[str, text(max_length=20, pattern=PHONE_PATTERN)]
Uuid = Annotated[str, text(min_length=36, max_length=36, pattern=UUID_PATTERN)]
ImageUrl = Annotated[str, text(max_length=2048, pattern=IMAGE_URL_PATTERN)]
CardNumber = Annotated[str, text(min_length=12, max_length=30, pattern=CARD_NUMBER_PATTERN)]

REGISTRATION_RULES = (
    "10 to 128 characters, no NUL. It must also not be a common password, must have at least 4 "
    "different characters, and must not contain the email's local part or a name (4 characters or "
    "more): such a password is refused with 422 and `field: password`."
)
NewPassword = Annotated[
    str,
    text(min_length=10, max_length=128),
    Field(description=REGISTRATION_RULES, json_schema_extra={"format": "password", "writeOnly": True}),
]
Password = Annotated[
    str,
    text(min_length=1, max_length=128),
    Field(json_schema_extra={"format": "password", "writeOnly": True}),
]


def _integer(value: Any) -> Any:
    """A JSON integer only: Pydantic would also take `true` or `"5"`, which the document does not allow."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be an integer")
    return value


# An order line's quantity (the orders subgraph's bounds); `5.0` is an integer, as JSON Schema says.
Quantity = Annotated[int, Field(ge=1, le=1000), BeforeValidator(_integer)]


PRICE_TEXT = re.compile(PRICE_TEXT_PATTERN)
PRICE_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": float(MAX_PRICE), "multipleOf": 0.01},
        {"type": "string", "pattern": PRICE_TEXT_PATTERN},
    ],
    "description": "Not negative, at most 9999999999.99, in cents: a JSON number with at most two "
    'decimals, or the same as a decimal string such as "129.99".',
    "examples": [129.99, "129.99"],
}


def _price_input(value: Any) -> Decimal:
    if isinstance(value, str):
        if not PRICE_TEXT.fullmatch(value):
            raise ValueError('price must be a decimal number such as "129.99"')
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("price must be a number or a decimal string")
    # The number as written (its shortest spelling), not the binary float nearest to it.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _price_in_cents(price: Decimal) -> Decimal:
    if price < 0 or price > MAX_PRICE:
        raise ValueError(f"price must be between 0 and {MAX_PRICE}")
    if price != price.quantize(Decimal("0.01")):
        raise ValueError("price has at most two decimal places")
    return price


Price = Annotated[
    Decimal,
    BeforeValidator(_price_input),
    AfterValidator(_price_in_cents),
    WithJsonSchema(PRICE_SCHEMA, mode="validation"),
]
