"""Coalesced reads: callers that ask while a fetch waits to go out share that fetch."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

import pytest

from subgraphs.orders.coalescing import Batch, Coalescer


class Source:
    """A fetch that waits for its slot (`slot`), seals its batch and records what it sends, then
    answers when the test lets it (`answer`)."""

    def __init__(self, *, slot_free: bool = True) -> None:
        self.sent: list[list[str]] = []
        self.slot = asyncio.Event()
        self.answer = asyncio.Event()
        self.failure: Exception | None = None
        self.refusal: Exception | None = None
        if slot_free:
            self.slot.set()

    async def fetch(self, batch: Batch[str]) -> Mapping[str, str]:
        await self.slot.wait()
        if self.refusal is not None:
            raise self.refusal  # refused before it was sent: the batch was never sealed
        keys = batch.seal()
        self.sent.append(keys)
        await self.answer.wait()
        if self.failure is not None:
            raise self.failure
        return {key: key.upper() for key in keys if key != "unknown"}


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_callers_arriving_while_a_fetch_waits_for_its_slot_share_it() -> None:
    source = Source(slot_free=False)
    coalescer = Coalescer(source.fetch, max_keys=100)
    callers = [asyncio.create_task(coalescer.load([key])) for key in ("a", "b", "c", "b")]
    await settle()
    source.slot.set()
    source.answer.set()

    answers = [await caller for caller in callers]

    assert source.sent == [["a", "b", "c"]]
    assert answers == [{"a": "A"}, {"b": "B"}, {"c": "C"}, {"b": "B"}]


async def test_a_caller_arriving_after_the_fetch_went_out_gets_a_fetch_of_its_own() -> None:
    source = Source()
    coalescer = Coalescer(source.fetch, max_keys=100)
    first = asyncio.create_task(coalescer.load(["a"]))
    await settle()
    second = asyncio.create_task(coalescer.load(["b"]))
    await settle()
    source.answer.set()

    assert (await first, await second) == ({"a": "A"}, {"b": "B"})
    assert source.sent == [["a"], ["b"]]


async def test_each_caller_gets_only_its_own_keys_and_unknown_ones_are_left_out() -> None:
    source = Source(slot_free=False)
    coalescer = Coalescer(source.fetch, max_keys=100)
    mine = asyncio.create_task(coalescer.load(["a", "unknown"]))
    theirs = asyncio.create_task(coalescer.load(["b"]))
    await settle()
    source.slot.set()
    source.answer.set()

    assert await mine == {"a": "A"}
    assert await theirs == {"b": "B"}


async def test_a_batch_never_exceeds_the_key_limit() -> None:
    source = Source(slot_free=False)
    coalescer = Coalescer(source.fetch, max_keys=2)
    callers = [asyncio.create_task(coalescer.load(keys)) for keys in (["a", "b"], ["c"], ["d"])]
    await settle()
    source.slot.set()
    source.answer.set()
    await asyncio.gather(*callers)

    assert source.sent == [["a", "b"], ["c", "d"]]


async def test_a_failed_fetch_fails_every_caller_of_its_batch_with_an_error_of_its_own() -> None:
    source = Source(slot_free=False)
    source.failure = RuntimeError("products is down")
    coalescer = Coalescer(source.fetch, max_keys=100)
    callers = [asyncio.create_task(coalescer.load([key])) for key in ("a", "b")]
    await settle()
    source.slot.set()
    source.answer.set()

    results = await asyncio.gather(*callers, return_exceptions=True)

    assert source.sent == [["a", "b"]]
    assert [str(result) for result in results] == ["products is down", "products is down"]
    assert results[0] is not results[1]


async def test_no_one_joins_a_batch_refused_before_it_was_sent() -> None:
    source = Source()
    source.refusal = RuntimeError("no slot")
    coalescer = Coalescer(source.fetch, max_keys=100)
    with pytest.raises(RuntimeError):
        await coalescer.load(["a"])
    source.refusal = None
    source.answer.set()

    assert await coalescer.load(["b"]) == {"b": "B"}
    assert source.sent == [["b"]]


async def test_a_caller_that_gives_up_leaves_the_fetch_to_the_others() -> None:
    source = Source(slot_free=False)
    coalescer = Coalescer(source.fetch, max_keys=100)
    quitter = asyncio.create_task(coalescer.load(["a"]))
    stayer = asyncio.create_task(coalescer.load(["a"]))
    await settle()

    quitter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await quitter
    source.slot.set()
    source.answer.set()

    assert await stayer == {"a": "A"}
    assert source.sent == [["a"]]


async def test_closing_cancels_what_is_pending() -> None:
    source = Source(slot_free=False)
    coalescer = Coalescer(source.fetch, max_keys=100)
    waiting = asyncio.create_task(coalescer.load(["a"]))
    await settle()

    await coalescer.close()

    with pytest.raises(asyncio.CancelledError):
        await waiting
