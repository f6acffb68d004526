"""The values one process decoded from the Redis cache, kept by the exact bytes Redis held.

Every read of a cached entity decodes and validates its JSON with pydantic (`model_validate_json`): for
the five orders of the orders page's fetch, 0.55 M of its 6.1 M instructions. The same bytes always
decode to the same value, so the process keeps what it decoded, by those bytes, and a read of bytes it
has already decoded skips the work. A kept value can never be stale: an entity that changed is other
bytes. The values are shared by every request that reads them, so only frozen models' values are kept
(`DecodedByKind` checks). At most `capacity` are kept per kind; the one kept longest goes first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

Value = TypeVar("Value")
Model = TypeVar("Model", bound=BaseModel)
DEFAULT_CAPACITY = 1024


class DecodedValues(Generic[Value]):
    """`decode`'s values by the bytes they were decoded from, at most `capacity` of them."""

    def __init__(self, decode: Callable[[bytes | str], Value], capacity: int = DEFAULT_CAPACITY) -> None:
        self._decode = decode
        self._capacity = capacity
        self._values: dict[bytes | str, Value] = {}

    def decoded(self, raw: bytes | str) -> Value:
        """The value of `raw`, decoded on first sight; raises what `decode` raises (nothing is kept)."""
        value = self._values.get(raw)
        if value is None:
            value = self._decode(raw)
            if len(self._values) >= self._capacity:
                del self._values[next(iter(self._values))]  # dicts keep insertion order: the oldest
            self._values[raw] = value
        return value

    def __len__(self) -> int:
        return len(self._values)


class DecodedByKind:
    """An app's kept decoded values, one `DecodedValues` per cached kind and model: the caches are
    built per request, what they decoded lives as long as the app (`AppResources.decoded`)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._kinds: dict[tuple[str, type], DecodedValues[Any]] = {}

    def of(self, kind: str, model: type[Model]) -> DecodedValues[Model]:
        """The kept values of `kind` (a cache's prefix), decoded as `model`, which must be frozen:
        they are shared by every request."""
        if not model.model_config.get("frozen"):
            raise TypeError(f"{model.__name__} is not frozen: its decoded values cannot be shared")
        kept = self._kinds.get((kind, model))
        if kept is None:
            kept = self._kinds[(kind, model)] = DecodedValues(model.model_validate_json, self._capacity)
        return kept
