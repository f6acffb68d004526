"""Coalesced reads: callers that ask while a fetch is under way share the next one."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping

import pytest

from subgraphs.orders.coalescing import Coalescer


class Source:
    """A fetch that records what it was asked and answers when the test lets it."""

    def __init__(self) -> None:
        self.fetches: list[list[str]] = []
        self.gate = asyncio.Event()
        self.failure: Exception | None = None

    async def fetch(self, keys: list[str]) -> Mapping[str, str]:
        self.fetches.append(keys)
        await self.gate.wait()
        if self.failure is not None:
            raise self.failure
        return {key: key.upper() for key in keys if key != "unknown"}


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_callers_arriving_during_a_fetch_share_the_next_one() -> None:
    source = Source()
    coalescer = Coalescer(source.fetch, max_keys=100)
    first = asyncio.create_task(coalescer.load(["a"]))
    await settle()
    later = [asyncio.create_task(coalescer.load([key])) for key in ("b", "c", "b")]
    await settle()
    source.gate.set()

    answers = [await first, *[await task for task in later]]

    assert source.fetches == [["a"], ["b", "c"]]
    assert answers == [{"a": "A"}, {"b": "B"}, {"c": "C"}, {"b": "B"}]


async def test_each_caller_gets_only_its_own_keys_and_unknown_ones_are_left_out() -> None:
    source = Source()
    source.gate.set()
    coalescer = Coalescer(source.fetch, max_keys=100)

    mine, theirs = await asyncio.gather(coalescer.load(["a", "unknown"]), coalescer.load(["b"]))

    assert mine == {"a": "A"}
    assert theirs == {"b": "B"}


async def test_a_batch_never_exceeds_the_key_limit() -> None:
    source = Source()
    coalescer = Coalescer(source.fetch, max_keys=2)
    blocker = asyncio.create_task(coalescer.load(["x"]))
    await settle()
    waiting = [asyncio.create_task(coalescer.load(keys)) for keys in (["a", "b"], ["c"], ["d"])]
    await settle()
    source.gate.set()
    await asyncio.gather(blocker, *waiting)

    assert source.fetches == [["x"], ["a", "b"], ["c", "d"]]


async def test_a_failed_fetch_fails_every_caller_of_its_batch() -> None:
    source = Source()
    source.failure = RuntimeError("products is down")
    source.gate.set()
    coalescer = Coalescer(source.fetch, max_keys=100)

    results = await asyncio.gather(coalescer.load(["a"]), coalescer.load(["b"]), return_exceptions=True)

    assert source.fetches == [["a", "b"]]
    assert [str(result) for result in results] == ["products is down", "products is down"]
    assert results[0] is not results[1]  # each request raises an error of its own


async def test_a_caller_that_gives_up_leaves_the_fetch_to_the_others() -> None:
    source = Source()
    coalescer = Coalescer(source.fetch, max_keys=100)
    quitter = asyncio.create_task(coalescer.load(["a"]))
    stayer = asyncio.create_task(coalescer.load(["a"]))
    await settle()

    quitter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await quitter
    source.gate.set()

    assert await stayer == {"a": "A"}
    assert source.fetches == [["a"]]


async def test_closing_cancels_what_is_pending() -> None:
    source = Source()
    coalescer = Coalescer(source.fetch, max_keys=100)
    waiting = asyncio.create_task(coalescer.load(["a"]))
    await settle()

    await coalescer.close()

    with pytest.raises(asyncio.CancelledError):
        await waiting
