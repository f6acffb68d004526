"""A structlog processor that takes secrets out of every log line before it is rendered.

Two nets: a field whose name says it holds a secret (`password`, `token`, `authorization`, `card_number`,
...) has its value replaced whatever it is; and every text value (the event itself included, so the
standard library's formatted messages too) has what looks like a secret masked: bearer credentials,
JWTs, passwords in URLs, and card numbers (13 to 19 digits that pass the Luhn check). Redacting is the
last step before rendering, so context merged from anywhere is covered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

REDACTED = "[REDACTED]"

_SECRET_NAME = re.compile(
    r"(pass(word|wd)?|secret|token|authorization|cookie|api[_-]?key|private[_-]?key|credential|"
    r"card[_-]?(number|no)|^pan$|^cvc$|^cvv$)",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.IGNORECASE)
_CARD_CANDIDATE = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
"""Digits standing alone: not the decimal stretch of a longer word, such as the head of a UUID
(`28772327-4545-4fb6-...`, which can pass the Luhn check)."""


def _passes_luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    return REDACTED if _passes_luhn(digits) else match.group(0)


def redact_text(text: str) -> str:
    """`text` with bearer credentials, JWTs, URL passwords and card numbers masked."""
    text = _BEARER.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    text = _URL_PASSWORD.sub(lambda match: f"{match.group('scheme')}{REDACTED}@", text)
    return _CARD_CANDIDATE.sub(_mask_card, text)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name))


def redact_value(value: Any) -> Any:
    """Any value of a log line, secrets masked (mappings and sequences walked into)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_secret_name(str(key)) else redact_value(item) for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: every field of the line redacted (`redact_value`)."""
    for key, value in event_dict.items():
        if key.startswith("_"):  # structlog's own bookkeeping (the stdlib record), never rendered
            continue
        event_dict[key] = REDACTED if is_secret_name(key) else redact_value(value)
    return event_dict
