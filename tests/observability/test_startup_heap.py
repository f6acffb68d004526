"""What a process built at start-up is kept out of the collector's passes, what its app's lifespan
builds included; its garbage is freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from observability.startup_heap import freeze_once_started, freeze_startup_heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def collector_paused() -> Iterator[None]:
    """Nothing is frozen when the test starts, and no automatic pass frees the test's garbage before
    the call does; afterwards the test process's objects go back to the collector."""
    gc.unfreeze()
    gc.disable()
    yield
    gc.enable()
    gc.unfreeze()


@pytest.fixture
def built_at_start_up() -> list[Node]:
    """What the app's lifespan builds when it starts."""
    return []


@pytest.fixture
def app(built_at_start_up: list[Node]) -> Starlette:
    """An app whose lifespan builds something, wrapped to freeze the heap once started."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        built_at_start_up.append(Node())
        yield

    return freeze_once_started(Starlette(lifespan=lifespan))


def _tracked(target: object) -> bool:
    return any(candidate is target for candidate in gc.get_objects())


def test_an_object_alive_at_start_up_is_left_out_of_collections() -> None:
    schema_like = [Node()]
    assert _tracked(schema_like)
    assert gc.get_freeze_count() == 0

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


async def test_what_the_lifespan_builds_is_frozen_once_it_has_started(
    app: Starlette, built_at_start_up: list[Node]
) -> None:
    async with LifespanManager(app):
        assert gc.get_freeze_count() > 0
        assert not _tracked(built_at_start_up[0])
