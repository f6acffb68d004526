"""`selects_anywhere` sees a field by its schema name at any depth below the resolver, through
fragments, and is not fooled by aliases."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.types import Info

from subgraphs.common.selection import selects_anywhere


@strawberry.type
class Leaf:
    label: str = "leaf"
    category: str = "category"


@strawberry.type
class Branch:
    leaf: Leaf = strawberry.field(default_factory=Leaf)
    title: str = "branch"


@strawberry.type
class Query:
    @strawberry.field
    def branch(self, info: Info[Any, Any]) -> Branch:
        info.context["seen"] = selects_anywhere(info, "category")
        return Branch()


SCHEMA = strawberry.Schema(query=Query)


@pytest.mark.parametrize(
    ("document", "seen"),
    [
        ("{ branch { leaf { category } } }", True),
        ("{ branch { title leaf { label } } }", False),
        ("{ branch { leaf { shown: category } } }", True),
        ("{ branch { category: title } }", False),
        ("{ branch { ... on Branch { leaf { category } } } }", True),
        (
            "{ branch { ...Parts } } fragment Parts on Branch { leaf { ...LeafParts } }"
            " fragment LeafParts on Leaf { category }",
            True,
        ),
        ("{ branch { ...Parts } } fragment Parts on Branch { leaf { label } }", False),
    ],
    ids=[
        "nested",
        "absent",
        "aliased",
        "alias-of-another",
        "inline-fragment",
        "named-fragments",
        "fragment-without",
    ],
)
async def test_a_field_is_seen_by_its_schema_name_through_fragments(document: str, seen: bool) -> None:
    context: dict[str, Any] = {}

    result = await SCHEMA.execute(document, context_value=context)

    assert result.errors is None
    assert context["seen"] is seen
