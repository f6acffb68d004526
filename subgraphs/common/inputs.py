"""Reading GraphQL inputs: which fields a client actually sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry


def given_fields(input_object: object, names: Mapping[str, str]) -> dict[str, Any]:
    """The fields a client sent (UNSET ones left out), by attribute, under the service's names.

    An update input distinguishes "not sent" (UNSET: leave as is) from `null` (clear it).
    """
    values: dict[str, Any] = {}
    for attribute, name in names.items():
        value = getattr(input_object, attribute)
        if value is not strawberry.UNSET:
            values[name] = value
    return values
