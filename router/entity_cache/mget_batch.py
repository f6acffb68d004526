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
the MGET under it, linked to every caller's lookup. The sender runs in a context of its own, and the
batch span sits under the lookup of the first caller still waiting whose trace is sampled (none: no
batch span), so neither an unsampled opener nor one that left hides it or takes it into its trace.

DataLoader batches the same way (aiodataloader, in the subgraphs); the router keeps its own because a
loader is per request and caches what it loaded, while this batch is shared by every request of the
process and keeps nothing.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext

from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    Span,
    SpanContext,
    Status,
    StatusCode,
    Tracer,
    set_span_in_context,
)
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
        self._open: list[_Lookup] | None = None  # the batch not yet taken by its sender
        self._senders: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def mget(self, keys: Sequence[str]) -> Values:
        """The values of `keys` (None where absent); raises what Redis raised for the batch, or
        `LookupNotSent`."""
        with self._lookup_span(len(keys)) as span:
            answer: asyncio.Future[Values] = asyncio.get_running_loop().create_future()
            lookup = _Lookup(keys, answer, span.get_span_context() if span else None)
            if self._open is not None:
                self._open.append(lookup)
            else:
                self._open_batch(lookup)
            try:
                return await answer
            except LookupNotSent:
                if span is not None:
                    span.set_attribute("not_sent", True)  # a miss, not a failure
                raise
            except Exception as error:
                if span is not None:
                    span.record_exception(error)
                    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                raise

    def _open_batch(self, first: _Lookup) -> None:
        """A batch holding `first`, sent by a task of its own a turn later (the batch is the sender's
        before the task may run, so an eagerly started task takes it just the same)."""
        batch = self._open = [first]
        sender = asyncio.get_running_loop().create_task(self._send(batch), context=contextvars.Context())
        self._senders.add(sender)
        sender.add_done_callback(lambda done: self._sender_done(done, batch))

    async def _send(self, opened: list[_Lookup]) -> None:
        """Runs a turn after the first lookup was asked for, so that those of the same turn join it."""
        if self._open is opened:
            self._open = None
        batch = [lookup for lookup in opened if not lookup.answer.done()]
        if not batch:
            return
        keys_of_batch = [key for lookup in batch for key in lookup.keys]
        try:
            with self._batch_span(batch, len(keys_of_batch)):
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

    def _sender_done(self, sender: asyncio.Task[None], opened: list[_Lookup]) -> None:
        """A sender cancelled before its first step never took its batch: its callers are answered
        here, and the next lookup opens a batch of its own."""
        self._senders.discard(sender)
        if self._open is opened:
            self._open = None
            _fail(opened, LookupNotSent("the lookup's batch was cancelled before it was sent"))

    def _lookup_span(self, keys: int) -> AbstractContextManager[Span | None]:
        """A caller's span, its errors recorded by `mget` (a lookup not sent is no error)."""
        if self._tracer is None:
            return _NO_SPAN
        return self._tracer.start_as_current_span(
            "entity_cache.lookup",
            attributes={"keys": keys},
            record_exception=False,
            set_status_on_exception=False,
        )

    def _batch_span(self, batch: Sequence[_Lookup], keys: int) -> AbstractContextManager[Span | None]:
        """The batch's span, under the first sampled caller's lookup and linked to every caller's."""
        contexts = [lookup.span_context for lookup in batch if lookup.span_context is not None]
        parent = next((context for context in contexts if context.trace_flags.sampled), None)
        if self._tracer is None or parent is None:
            return _NO_SPAN
        return self._tracer.start_as_current_span(
            "entity_cache.lookup_batch",
            context=set_span_in_context(NonRecordingSpan(parent)),
            attributes={"callers": len(batch), "keys": keys},
            links=[Link(context) for context in contexts],
        )


def _fail(lookups: Sequence[_Lookup], error: BaseException) -> None:
    for lookup in lookups:
        if not lookup.answer.done():
            lookup.answer.set_exception(error)
