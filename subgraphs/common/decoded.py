"""The values one process decoded from the Redis cache, kept by the exact bytes Redis held.

Every read of a cached entity decodes and validates its JSON with pydantic (`model_validate_json`): for
the five orders of the orders page's fetch, 0.55 M of its 6.1 M instructions. The same bytes always
decode to the same value, so the process keeps what it decoded, by those bytes, and a read of bytes it
has already decoded skips the work. A kept value can never be stale: an entity that changed is other
bytes. The values are shared by every request that reads them, so only values nothing can change are
kept: frozen models whose fields hold no list, dict or set and whose nested models are the same
(`DecodedByKind` checks). At most `capacity` are kept per kind, bytes and value each (a kind of large
entities keeps a few tens of MB at most); the one kept longest goes first.

What a subgraph builds from a kept value for its responses (an order's Strawberry objects: 0.48 M of
the orders fetch) can be kept with it (`view`), made once per process rather than per request; such a
view is shared as the value is, so it is read-only: execution reads its fields and nothing writes them.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

Value = TypeVar("Value")
View = TypeVar("View")
Model = TypeVar("Model", bound=BaseModel)
MUTABLE_CONTAINERS = (list, dict, set, bytearray)
DEFAULT_CAPACITY = 1024
MAX_VIEWS_PER_VALUE = 4
"""Views kept per value; more are made afresh each time. A view is kept by the function that made it,
so a caller passing a new function each time (a lambda) would otherwise pile up views."""


class _Kept(Generic[Value]):
    """A kept value and the views made of it, by the function that made each."""

    __slots__ = ("value", "views")

    def __init__(self, value: Value) -> None:
        self.value = value
        self.views: dict[Callable[[Value], Any], Any] = {}


class DecodedValues(Generic[Value]):
    """`decode`'s values by the bytes they were decoded from, at most `capacity` of them."""

    def __init__(self, decode: Callable[[bytes | str], Value], capacity: int = DEFAULT_CAPACITY) -> None:
        self._decode = decode
        self._capacity = capacity
        self._values: dict[bytes | str, _Kept[Value]] = {}
        self._by_identity: dict[int, _Kept[Value]] = {}  # ids of kept values: unique while kept

    def decoded(self, raw: bytes | str) -> Value:
        """The value of `raw`, decoded on first sight; raises what `decode` raises (nothing is kept)."""
        kept = self._values.get(raw)
        if kept is None:
            value = self._decode(raw)
            if len(self._values) >= self._capacity:
                oldest = self._values.pop(next(iter(self._values)))  # dicts keep insertion order
                if self._by_identity.get(id(oldest.value)) is oldest:
                    del self._by_identity[id(oldest.value)]
            kept = self._values[raw] = _Kept(value)
            # A decode that hands out one object for other bytes too keeps its first entry's views.
            self._by_identity.setdefault(id(value), kept)
        return kept.value

    def view(self, value: Value, make: Callable[[Value], View]) -> View:
        """`make(value)`: for a value kept here, made once per `make` (pass the same function each
        time, a type's `from_record`) and kept with it, at most `MAX_VIEWS_PER_VALUE` of them (see
        the module); for any other value (one read from SQL, say), made afresh."""
        kept = self._by_identity.get(id(value))
        if kept is None or kept.value is not value:
            return make(value)
        view: View | None = kept.views.get(make)
        if view is None:
            view = make(value)
            if len(kept.views) < MAX_VIEWS_PER_VALUE:
                kept.views[make] = view
        return view

    def __len__(self) -> int:
        return len(self._values)


class DecodedByKind:
    """An app's kept decoded values, one `DecodedValues` per cached kind and model: the caches are
    built per request, what they decoded lives as long as the app (`AppResources.decoded`)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._kinds: dict[tuple[str, type], DecodedValues[Any]] = {}

    def of(self, kind: str, model: type[Model]) -> DecodedValues[Model]:
        """The kept values of `kind` (a cache's prefix), decoded as `model`, which must be immutable
        (see the module): they are shared by every request."""
        kept = self._kinds.get((kind, model))
        if kept is None:  # checked once per kind: the caches holding it are built per request
            mutable = mutable_parts(model)
            if mutable:
                raise TypeError(
                    f"{', '.join(mutable)} can change: {model.__name__}'s values cannot be shared"
                )
            kept = self._kinds[(kind, model)] = DecodedValues(model.model_validate_json, self._capacity)
        return kept


def mutable_parts(model: type[BaseModel], within: tuple[type[BaseModel], ...] = ()) -> list[str]:
    """What could change in a value of `model`: the model itself unless frozen, each field whose type
    holds a list, dict or set, and the same of every model its fields hold."""
    found = [] if model.model_config.get("frozen") else [model.__name__]
    for name, field in model.model_fields.items():
        for part in _types_in(field.annotation):
            if part in MUTABLE_CONTAINERS:
                found.append(f"{model.__name__}.{name}")
            elif isinstance(part, type) and issubclass(part, BaseModel) and part not in (model, *within):
                found += mutable_parts(part, (*within, model))
    return found


def _types_in(annotation: Any) -> Iterator[Any]:
    """The types an annotation names, through unions and generic arguments (`tuple[X, ...]`: tuple, X)."""
    origin = typing.get_origin(annotation)
    if origin is None:
        yield annotation
        return
    yield origin
    for argument in typing.get_args(annotation):
        yield from _types_in(argument)
