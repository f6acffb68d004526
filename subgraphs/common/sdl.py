"""The SDL a subgraph publishes (what `_service { sdl }` answers and composition reads)."""

from __future__ import annotations

from strawberry.printer import print_schema
from strawberry.schema import BaseSchema


def export_sdl(schema: BaseSchema) -> str:
    return print_schema(schema).rstrip() + "\n"
