"""Cursor pagination shared by every subgraph: page sizes, opaque cursors, and the `PageInfo` type.

Cursors are base64url JSON of a listing's keyset position; a cursor that does not decode is the
client's mistake (BAD_USER_INPUT), never a 500.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

import orjson

from subgraphs.common.errors import BadUserInputError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def page_size(first: int | None, *, maximum: int = MAX_PAGE_SIZE, default: int = DEFAULT_PAGE_SIZE) -> int:
    """`first`, checked: 1 to `maximum` (a larger page is refused, not silently cut)."""
    size = default if first is None else first
    if size < 1 or size > maximum:
        raise BadUserInputError(f"first must be between 1 and {maximum}.", field="first", max=maximum)
    return size


def encode_cursor(position: dict[str, Any]) -> str:
    """A page's every edge carries one, so it is orjson (keys sorted, as `json` wrote them before)."""
    return base64.urlsafe_b64encode(orjson.dumps(position, option=orjson.OPT_SORT_KEYS)).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position a cursor holds; BAD_USER_INPUT when it is not one of ours."""
    try:
        position = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as error:
        raise invalid_cursor() from error
    if not isinstance(position, dict):
        raise invalid_cursor()
    return position


def invalid_cursor() -> BadUserInputError:
    return BadUserInputError("The cursor is not valid for this listing.", field="after")


def cursor_bounds(cursors: Sequence[str]) -> tuple[str | None, str | None]:
    """The start and end cursors of a page."""
    return (cursors[0], cursors[-1]) if cursors else (None, None)
