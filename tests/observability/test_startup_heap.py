"""What a process built at start-up is kept out of the collector's passes; its garbage is freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from observability.startup_heap import freeze_startup_heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def collector_paused() -> Iterator[None]:
    """No automatic pass frees the test's garbage before the call does; afterwards the test process's
    objects go back to the collector."""
    gc.disable()
    yield
    gc.enable()
    gc.unfreeze()


def _tracked(target: object) -> bool:
    return any(candidate is target for candidate in gc.get_objects())


def test_an_object_alive_at_start_up_is_left_out_of_collections() -> None:
    schema_like = [Node()]
    assert _tracked(schema_like)

    frozen = freeze_startup_heap()

    assert frozen > 0
    assert not _tracked(schema_like)


def test_garbage_left_by_start_up_is_freed_rather_than_frozen() -> None:
    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle only the collector frees
    gone = weakref.ref(first)
    del first, second

    freeze_startup_heap()

    assert gone() is None
