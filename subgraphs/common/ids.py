"""Parsing client-supplied ids: a malformed id is the client's mistake (BAD_USER_INPUT), not a 500."""

from __future__ import annotations

import uuid

from subgraphs.common.errors import BadUserInputError


def parse_id(value: object, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise BadUserInputError(f"{field} is not a valid id.", field=field) from error


def try_parse_id(value: object) -> uuid.UUID | None:
    """The id, or None when it cannot be one (an unknown entity, not an error)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
