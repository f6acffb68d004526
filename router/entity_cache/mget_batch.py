"""Cache lookups asked for in the same turn of the event loop, sent to Redis as one MGET.

A plan's fetches at one level run side by side (the orders page's users and products entities), and each
looks its entities up in the cache: two MGETs, two round trips and twice redis-py's per-command cost
(pool checkout, timeout, packing and parsing; more CPU than Redis spends answering). The lookups that
start in one turn of the loop go out together in the next as one MGET, and each caller gets its own
slice of the answer, in order. A failure reaches every caller of the batch, as it would have reached
each alone; a caller that is cancelled takes its keys out of a batch not yet sent; a batch whose sender
is cancelled (the loop closing) answers its callers `LookupNotSent`, a miss, rather than cancelling them.

Traced as OpenTelemetry's DataLoader instrumentation traces batches: each caller has an
`entity_cache.lookup` span in its own trace, and the batch an `entity_cache.lookup_batch` span, with
the MGET under it, linked to every caller's lookup (it sits in the trace of the caller that opened it).

DataLoader batches the same way (aiodataloader, in the subgraphs); the router keeps its own because a
loader is per request and caches what it loaded, while this batch is shared by every request of the
process and keeps nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from opentelemetry.trace import Link, Span, SpanContext, Tracer
from redis.asyncio import Redis

Values = list[bytes | None]
_NO_SPAN: AbstractContextManager[Span | None] = nullcontext(None)


class LookupNotSent(Exception):
    """The batch's sender was cancelled before Redis answered: the lookup is a miss, Redis not down."""


class _Lookup:
    """One caller's keys, its answer, and its lookup span's context (None untraced)."""

    __slots__ = ("answer", "keys", "span_context")

    def __init__(self, keys: Sequence[str], answer: asyncio.Future[Values], span_context: SpanContext | None):
        self.keys = keys
        self.answer = answer
        self.span_context = span_context


class MgetBatch:
    """One MGET for the lookups of each turn of the loop (see the module)."""

    def __init__(self, redis: Redis, tracer: Tracer | None = None) -> None:
        self._redis = redis
        self._tracer = tracer
        self._waiting: list[_Lookup] = []
        self._opened_by: asyncio.Task[None] | None = None  # the sender that will take `_waiting`
        self._senders: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def mget(self, keys: Sequence[str]) -> Values:
        """The values of `keys` (None where absent); raises what Redis raised for the batch, or
        `LookupNotSent`."""
        with self._span("entity_cache.lookup", {"keys": len(keys)}) as span:
            loop = asyncio.get_running_loop()
            answer: asyncio.Future[Values] = loop.create_future()
            self._waiting.append(_Lookup(keys, answer, span.get_span_context() if span else None))
            if self._opened_by is None:
                sender = self._opened_by = loop.create_task(self._send_waiting())
                self._senders.add(sender)
                sender.add_done_callback(self._sender_done)
            return await answer

    async def _send_waiting(self) -> None:
        """Runs a turn after the first lookup was asked for, so that those of the same turn join it."""
        batch = [lookup for lookup in self._waiting if not lookup.answer.done()]
        self._waiting = []
        self._opened_by = None
        if not batch:
            return
        keys_of_batch = [key for lookup in batch for key in lookup.keys]
        links = [Link(lookup.span_context) for lookup in batch if lookup.span_context is not None]
        attributes = {"callers": len(batch), "keys": len(keys_of_batch)}
        try:
            with self._span("entity_cache.lookup_batch", attributes, links):
                values: Values = await self._redis.mget(keys_of_batch)  # type: ignore[assignment]
        except asyncio.CancelledError:
            _fail(batch, LookupNotSent("the lookup's batch was cancelled before Redis answered"))
            raise
        except Exception as error:
            _fail(batch, error)
            return
        start = 0
        for lookup in batch:
            if not lookup.answer.done():
                lookup.answer.set_result(values[start : start + len(lookup.keys)])
            start += len(lookup.keys)

    def _sender_done(self, sender: asyncio.Task[None]) -> None:
        """A sender cancelled before its first step never took its batch: its callers are answered
        here, and the next lookup opens a batch of its own."""
        self._senders.discard(sender)
        if self._opened_by is sender:
            self._opened_by = None
            waiting, self._waiting = self._waiting, []
            _fail(waiting, LookupNotSent("the lookup's batch was cancelled before it was sent"))

    def _span(
        self, name: str, attributes: dict[str, Any], links: Sequence[Link] = ()
    ) -> AbstractContextManager[Span | None]:
        if self._tracer is None:
            return _NO_SPAN
        return self._tracer.start_as_current_span(name, attributes=attributes, links=links)


def _fail(lookups: Sequence[_Lookup], error: BaseException) -> None:
    for lookup in lookups:
        if not lookup.answer.done():
            lookup.answer.set_exception(error)
