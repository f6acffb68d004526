"""Cache lookups asked for in the same turn of the event loop, sent to Redis as one MGET.

A plan's fetches at one level run side by side (the orders page's users and products entities), and each
looks its entities up in the cache: two MGETs, two round trips and twice redis-py's per-command cost
(pool checkout, timeout, packing and parsing; more CPU than Redis spends answering). The lookups that
start in one turn of the loop go out together in the next as one MGET, and each caller gets its own
slice of the answer, in order. A failure reaches every caller of the batch, as it would have reached
each alone; a caller that is cancelled takes its keys out of a batch not yet sent.

DataLoader batches the same way (aiodataloader, in the subgraphs); the router keeps its own because a
loader is per request and caches what it loaded, while this batch is shared by every request of the
process and keeps nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from redis.asyncio import Redis

Values = list[bytes | None]


class MgetBatch:
    """One MGET for the lookups of each turn of the loop (see the module)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._waiting: list[tuple[Sequence[str], asyncio.Future[Values]]] = []
        self._senders: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def mget(self, keys: Sequence[str]) -> Values:
        """The values of `keys` (None where absent); raises what Redis raised for the batch."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Values] = loop.create_future()
        self._waiting.append((keys, answer))
        if len(self._waiting) == 1:
            sender = loop.create_task(self._send_waiting())
            self._senders.add(sender)
            sender.add_done_callback(self._senders.discard)
        return await answer

    async def _send_waiting(self) -> None:
        """Runs a turn after the first lookup was asked for, so that those of the same turn join it."""
        batch = [(keys, answer) for keys, answer in self._waiting if not answer.done()]
        self._waiting = []
        if not batch:
            return
        keys_of_batch = [key for keys, _ in batch for key in keys]
        try:
            values: Values = await self._redis.mget(keys_of_batch)  # type: ignore[assignment]
        except asyncio.CancelledError:  # the loop is closing: so are the callers' waits
            for _, answer in batch:
                answer.cancel()
            raise
        except Exception as error:
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(error)
            return
        start = 0
        for keys, answer in batch:
            if not answer.done():
                answer.set_result(values[start : start + len(keys)])
            start += len(keys)
