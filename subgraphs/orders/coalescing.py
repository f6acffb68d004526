"""Coalescing reads: callers that ask for entities while a fetch is under way share the next fetch.

A burst of checkouts for one product priced it once per checkout: two hundred `_entities` calls for
the same id, each a request that products parsed, authorised and answered. Here the first caller's
fetch goes out at once; everyone who asks meanwhile joins one pending batch (ids merged, at most
`max_keys` per batch), sent as soon as the fetch ahead of it is done. Each caller gets the values of
its own keys, from a read no older than its own request. Like a dataloader, but across requests, and
batched by the time a round trip takes rather than by one event-loop tick.

A failed fetch fails every caller of its batch with the same error (a copy each). A caller that gives up (is
cancelled) leaves the batch to the others.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class _Batch(Generic[K, V]):
    keys: set[K]
    result: asyncio.Future[Mapping[K, V]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Coalescer(Generic[K, V]):
    def __init__(self, fetch: Callable[[list[K]], Awaitable[Mapping[K, V]]], *, max_keys: int) -> None:
        self._fetch = fetch
        self._max_keys = max_keys
        self._pending: deque[_Batch[K, V]] = deque()
        self._sender: asyncio.Task[None] | None = None

    async def load(self, keys: Iterable[K]) -> dict[K, V]:
        """The values found for `keys` (keys without a value are left out)."""
        wanted = set(keys)
        batch = self._batch_for(wanted)
        if self._sender is None or self._sender.done():
            # A context of its own: the sender serves many requests, not the one that started it.
            self._sender = asyncio.create_task(self._send_all(), context=contextvars.Context())
        try:
            found = await asyncio.shield(batch.result)
        except Exception as error:
            # A copy for each caller: one exception raised in many requests would collect all their
            # tracebacks.
            raise copy.copy(error) from None
        return {key: found[key] for key in wanted if key in found}

    def _batch_for(self, keys: set[K]) -> _Batch[K, V]:
        """The last pending batch if `keys` fit in it, else a new one."""
        if self._pending and len(self._pending[-1].keys | keys) <= self._max_keys:
            batch = self._pending[-1]
            batch.keys |= keys
            return batch
        batch = _Batch[K, V](keys=set(keys))
        batch.result.add_done_callback(_retrieve)  # callers may all have given up: no "never retrieved"
        self._pending.append(batch)
        return batch

    async def _send_all(self) -> None:
        """Send the pending batches one after another until none is left."""
        while self._pending:
            batch = self._pending.popleft()
            try:
                found = await self._fetch(sorted(batch.keys, key=str))
            except asyncio.CancelledError:
                for waiting in (batch, *self._pending):
                    waiting.result.cancel()
                raise
            except Exception as error:  # handed to every caller of the batch
                batch.result.set_exception(error)
                continue
            batch.result.set_result(found)

    async def close(self) -> None:
        if self._sender is not None and not self._sender.done():
            self._sender.cancel()
            await asyncio.gather(self._sender, return_exceptions=True)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
