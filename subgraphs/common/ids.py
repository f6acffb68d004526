"""Parsing client-supplied ids: a malformed id is the client's mistake (BAD_USER_INPUT), not a 500."""

from __future__ import annotations

import uuid

from subgraphs.common.errors import BadUserInputError


def parse_id(value: object, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise BadUserInputError(f"{field} is not a valid id.", field=field) from error
