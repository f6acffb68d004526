"""Coalescing reads: callers that ask for entities while a fetch waits to go out share that fetch.

A burst of checkouts for one product priced it once per checkout: two hundred `_entities` calls for
the same id, each a request that products parsed, authorised and answered. Here a caller joins the
batch that is still open, if any (ids merged, at most `max_keys`), or opens a new one, whose fetch
starts at once. The fetch seals its batch (`Batch.seal`) just before it sends, e.g. when it gets its
slot in the bulkhead: while calls to products are all busy, the batch waiting for a slot takes every
caller that comes, so a burst costs a handful of calls, and quiet traffic is never delayed. Each caller
gets the values of its own keys, from a read made after it asked. Like a dataloader, but across
requests, batched by the wait for a slot rather than by one event-loop tick.

A failed fetch fails every caller of its batch with the same error (a copy each). A caller that gives
up (is cancelled) leaves the batch to the others.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batch(Generic[K]):
    """The keys callers asked for, open to more until sealed."""

    def __init__(self, keys: set[K]) -> None:
        self._keys = keys
        self.sealed = False

    def fits(self, keys: set[K], max_keys: int) -> bool:
        return not self.sealed and len(self._keys | keys) <= max_keys

    def add(self, keys: set[K]) -> None:
        self._keys |= keys

    def seal(self) -> list[K]:
        """Close the batch to new callers; its keys, in a stable order."""
        self.sealed = True
        return sorted(self._keys, key=str)


class Coalescer(Generic[K, V]):
    def __init__(self, fetch: Callable[[Batch[K]], Awaitable[Mapping[K, V]]], *, max_keys: int) -> None:
        self._fetch = fetch
        self._max_keys = max_keys
        self._open: tuple[Batch[K], asyncio.Future[Mapping[K, V]]] | None = None
        self._sending: set[asyncio.Task[None]] = set()

    async def load(self, keys: Iterable[K]) -> dict[K, V]:
        """The values found for `keys` (keys without a value are left out)."""
        wanted = set(keys)
        if self._open is not None and self._open[0].fits(wanted, self._max_keys):
            batch, result = self._open
            batch.add(wanted)
        else:
            batch, result = Batch(set(wanted)), asyncio.get_running_loop().create_future()
            result.add_done_callback(_retrieve)  # callers may all have given up: no "never retrieved"
            self._open = (batch, result)
            # A context of its own: the fetch serves many requests, not the one that opened it.
            task = asyncio.create_task(self._send(batch, result), context=contextvars.Context())
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)
        try:
            found = await asyncio.shield(result)
        except Exception as error:
            # A copy for each caller: one exception raised in many requests would gather all their
            # tracebacks.
            raise copy.copy(error) from None
        return {key: found[key] for key in wanted if key in found}

    async def _send(self, batch: Batch[K], result: asyncio.Future[Mapping[K, V]]) -> None:
        try:
            found = await self._fetch(batch)
        except asyncio.CancelledError:
            self._close(batch)
            result.cancel()
            raise
        except Exception as error:  # handed to every caller of the batch
            self._close(batch)
            result.set_exception(error)
            return
        self._close(batch)
        result.set_result(found)

    def _close(self, batch: Batch[K]) -> None:
        """No one joins a batch whose fetch is over (even one refused before it was sent)."""
        batch.seal()
        if self._open is not None and self._open[0] is batch:
            self._open = None

    async def close(self) -> None:
        for task in list(self._sending):
            task.cancel()
        await asyncio.gather(*self._sending, return_exceptions=True)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
