"""Schemathesis hooks for the REST contract test (loaded through `SCHEMATHESIS_HOOKS`).

A few rules hold across fields or need arithmetic, so no JSON Schema can state them; the document says
them in prose, and a client follows them: a new password that is not a common one, has 4 different
characters and holds neither the email's local part nor a name; a card number that passes the Luhn
check; at most 1000 of one product over an order's lines. A fuzzer follows none of them, so each
request that the document allows but that breaks one of those rules is changed into one that keeps
it, with values the document allows just as well (checked with the subgraphs' own rules where they
can be imported). A request stays exactly as valid or invalid for the document as it was, and a
refusal of anything else the document allows still fails the run.

An order's product ids are mostly seeded ones (the contract stack's catalogue is the seed), as a
client would send, so that orders are placed, run out of stock, and are read back; the rest stay
unknown (404).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis

from rest_compat.fields import CARD_NUMBER_PATTERN, UUID_PATTERN
from subgraphs.common.errors import BadUserInputError
from subgraphs.products import seed
from subgraphs.users.passwords import MAX_LENGTH, MIN_LENGTH, check_password

REGISTRATION = ("POST", "/users/register")
PLACE_ORDER = ("POST", "/api/v1/orders")
# Runes: no generated email or name holds a run of 4 of them but by a chance too rare to matter.
RUNES = "".join(chr(code) for code in range(0x16A0, 0x16EB))
CARD_NUMBER = re.compile(CARD_NUMBER_PATTERN)
UUID_TEXT = re.compile(UUID_PATTERN)
SEEDED_PRODUCTS = [str(seed.product_id(sku)) for sku, *_ in seed.PRODUCTS]
MAX_OF_ONE_PRODUCT = 1000


Case = schemathesis.Case[Any]


def body_of(case: Case, operation: tuple[str, str]) -> dict[str, Any] | None:
    """The case's JSON object body when it is a request to `operation` (method, path)."""
    if (case.method.upper(), case.operation.path) != operation or not isinstance(case.body, dict):
        return None
    return dict(case.body)


# ---------------------------------------------------------------- registration


def passes_password_rules(password: str, body: dict[str, Any]) -> bool:
    email = str(body.get("email") or "").strip().lower()
    first_name, last_name = (str(body.get(name) or "").strip() for name in ("first_name", "last_name"))
    try:
        check_password(password, email=email, first_name=first_name, last_name=last_name)
    except BadUserInputError:
        return False
    return True


def strong_password(length: int) -> str:
    """A password of `length` characters that passes the rules (for any email and names)."""
    return (RUNES * (length // len(RUNES) + 1))[:length]


@schemathesis.hook("map_case")
def passwords_follow_the_rules(context: schemathesis.HookContext, case: Case) -> Case:
    body = body_of(case, REGISTRATION)
    password = body.get("password") if body is not None else None
    if body is None or not isinstance(password, str):
        return case
    schema_valid = MIN_LENGTH <= len(password) <= MAX_LENGTH and "\x00" not in password
    if schema_valid and not passes_password_rules(password, body):
        case.body = {**body, "password": strong_password(len(password))}
    return case


# ---------------------------------------------------------------- orders


def _luhn_sum(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total


def luhn_valid(number: str) -> str:
    """`number` with its last digit made the check digit (separators and length kept)."""
    digits = re.sub(r"[^0-9]", "", number)
    check = (10 - _luhn_sum(digits[:-1] + "0") % 10) % 10
    last = max(index for index, char in enumerate(number) if char.isdigit())
    return number[:last] + str(check) + number[last + 1 :]


def _valid_line(line: object) -> bool:
    if not isinstance(line, dict):
        return False
    product_id, quantity = line.get("product_id"), line.get("quantity")
    if not isinstance(product_id, str) or not UUID_TEXT.fullmatch(product_id):
        return False
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        return False
    return float(quantity).is_integer() and 1 <= quantity <= MAX_OF_ONE_PRODUCT


def realistic_lines(lines: list[Any]) -> list[Any]:
    """Seeded products for most valid lines; no product over 1000 in all (extra lines get unknown ids)."""
    ordered: dict[str, float] = {}
    result = []
    for index, line in enumerate(lines):
        if not _valid_line(line):
            result.append(line)
            continue
        product_id = line["product_id"]
        number = uuid.UUID(product_id).int
        if number % 4:
            product_id = SEEDED_PRODUCTS[number % len(SEEDED_PRODUCTS)]
        if ordered.get(product_id.lower(), 0) + line["quantity"] > MAX_OF_ONE_PRODUCT:
            product_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"line-{index}-{product_id}"))
        ordered[product_id.lower()] = ordered.get(product_id.lower(), 0) + line["quantity"]
        result.append({**line, "product_id": product_id})
    return result


@schemathesis.hook("map_case")
def orders_follow_the_rules(context: schemathesis.HookContext, case: Case) -> Case:
    body = body_of(case, PLACE_ORDER)
    if body is None:
        return case
    card_number = body.get("card_number")
    if isinstance(card_number, str) and 12 <= len(card_number) <= 30 and CARD_NUMBER.fullmatch(card_number):
        body["card_number"] = luhn_valid(card_number)
    lines = body.get("items")
    if isinstance(lines, list):
        body["items"] = realistic_lines(lines)
    case.body = body
    return case
