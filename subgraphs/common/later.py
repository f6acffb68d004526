"""An awaitable that starts its work only when it is awaited: the value of a plain field whose data
may not be loaded yet when its object is built.

graphql-core awaits a field's value when it is awaitable, and never reads a field nobody asked for. A
coroutine made up front for every object would be left never awaited (a warning each) wherever the
field is not asked, and would have started nothing useful; this starts its work only for a field that
is asked, once per time it is awaited.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class WhenAwaited(Generic[T]):
    """`start()`'s result, worked out when (and each time) this is awaited."""

    __slots__ = ("_start",)

    def __init__(self, start: Callable[[], Awaitable[T]]) -> None:
        self._start = start

    def __await__(self) -> Generator[Any, None, T]:
        return self._start().__await__()
