"""Bad `_entities` representations, as a careless or hostile caller sends them, and reading the answer."""

from __future__ import annotations

from typing import Any

from tests.support.graphql import GraphQLResponse


def bad_representations(typename: str, known_id: str) -> dict[str, dict[str, Any]]:
    """One of each kind of mistake, by name: each must be BAD_USER_INPUT at its own index."""
    return {
        "missing key": {"__typename": typename},
        "unknown typename": {"__typename": "NoSuchEntity", "id": known_id},
        "wrong key type": {"__typename": typename, "id": {"id": known_id}},
        "malformed id": {"__typename": typename, "id": "not-a-uuid"},
    }


def codes_by_index(response: GraphQLResponse) -> dict[int, str]:
    """The code of each error of an `_entities` answer, by the index its path points at."""
    found: dict[int, str] = {}
    for error in response.errors:
        field, index = error.get("path") or [None, None]
        assert field == "_entities", error
        found[index] = error.get("extensions", {}).get("code")
    return found
