"""The category tree decoded last is reused for the same cached bytes, and decoded again when they change."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from subgraphs.products.category_tree import LastDecodedTree
from subgraphs.products.models import CategoryRecord, CategoryTreeSnapshot


def snapshot_json(*names: str) -> bytes:
    now = datetime.now(UTC)
    categories = [
        CategoryRecord(id=uuid.uuid4(), name=name, slug=name.lower(), created_at=now, updated_at=now)
        for name in names
    ]
    return CategoryTreeSnapshot(categories=categories).model_dump_json().encode()


def test_the_same_bytes_give_back_the_same_tree() -> None:
    last = LastDecodedTree()
    raw = snapshot_json("Books")
    assert last.of(raw) is last.of(bytes(raw))


def test_changed_bytes_are_decoded_afresh() -> None:
    last = LastDecodedTree()
    last.of(snapshot_json("Books"))
    tree = last.of(snapshot_json("Games"))
    assert tree is not None
    assert [category.name for category in tree.roots()] == ["Games"]


def test_bytes_that_no_longer_decode_give_no_tree() -> None:
    assert LastDecodedTree().of(b'{"categories": "not a list"}') is None
