"""Backpressure for the calls to another service: at most `limit` calls in flight, the rest wait in
line for a bounded time, and the calls that finish work already under way go first.

Without it a burst of checkouts sent every call at once: products (one process) answered them all
slowly, each call's timeout ran out while it waited, the retries doubled the load and the breaker
opened. With it, products sees at most `limit` calls from this process; a caller that would wait
longer than `max_wait_seconds`, or find `max_waiting` callers ahead, is refused at once with
`Overloaded`, which the client answers as UNAVAILABLE without touching the network.

Callers line up by priority, then by arrival: settling stock (commit, release, return) before
reserving it, and reserving before pricing a new cart, so checkouts already under way finish (and
free what they hold) before new ones start. Our own code because asyncio's `Semaphore` has neither
priorities nor a bound on its waiting line, and the libraries that add them (e.g. aiolimiter) limit
a rate, not the calls in flight.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import IntEnum


class Priority(IntEnum):
    """Lower goes first."""

    SETTLE = 0  # commit, release, return: finishes a checkout or frees held stock
    RESERVE = 1  # holds stock for an order already written
    PRICE = 2  # starts a new checkout


class Overloaded(Exception):
    """No slot within the bounds: `reason` is `queue_full` or `queue_timeout`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Bulkhead:
    def __init__(self, *, limit: int, max_waiting: int, max_wait_seconds: float) -> None:
        self._limit = limit
        self._max_waiting = max_waiting
        self._max_wait = max_wait_seconds
        self._in_flight = 0
        self._waiting = 0
        self._line: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def waiting(self) -> int:
        return self._waiting

    @asynccontextmanager
    async def slot(self, priority: Priority) -> AsyncIterator[None]:
        """Hold one of the `limit` slots for the duration of the block."""
        await self._acquire(priority)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, priority: Priority) -> None:
        if self._in_flight < self._limit and not self._waiting:
            self._in_flight += 1
            return
        if self._waiting >= self._max_waiting:
            raise Overloaded("queue_full")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._line, (priority, next(self._arrivals), future))
        self._waiting += 1
        try:
            async with asyncio.timeout(self._max_wait):
                await future
        except BaseException as error:
            if future.done() and not future.cancelled():
                self._release()  # the slot was handed over just as the wait ended: pass it on
            else:
                future.cancel()  # left in the line; `_release` skips it
            if isinstance(error, TimeoutError):
                raise Overloaded("queue_timeout") from None
            raise
        finally:
            self._waiting -= 1

    def _release(self) -> None:
        """Hand the slot to the first caller still waiting, or free it."""
        while self._line:
            _, _, future = heapq.heappop(self._line)
            if not future.done():
                future.set_result(None)
                return
        self._in_flight -= 1
