"""The checked-in SDL is what the code exports."""

from __future__ import annotations

from pathlib import Path

from subgraphs.common.sdl import export_sdl
from subgraphs.users.schema import create_schema

CHECKED_IN = Path(__file__).resolve().parents[3] / "schema" / "users.graphql"


def test_checked_in_sdl_matches_the_code() -> None:
    assert CHECKED_IN.read_text() == export_sdl(create_schema()), (
        "schema/users.graphql is out of date: run `gocart export-schema`"
    )


def test_user_is_an_entity_and_page_info_is_shareable() -> None:
    sdl = export_sdl(create_schema())
    assert 'type User @key(fields: "id")' in sdl
    assert "type PageInfo @shareable" in sdl
