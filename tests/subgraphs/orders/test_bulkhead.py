"""The bulkhead in front of the calls to products: a bounded number in flight, a bounded line, priority."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from subgraphs.orders.bulkhead import Bulkhead, Overloaded, Priority

LONG = 60.0  # a wait bound no test reaches


async def hold(
    bulkhead: Bulkhead, priority: Priority, release: asyncio.Event, served: list[str], name: str
) -> None:
    async with bulkhead.slot(priority):
        served.append(name)
        await release.wait()


async def settle() -> None:
    """Let every task run until it blocks."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_no_more_than_the_limit_are_in_flight() -> None:
    bulkhead = Bulkhead(limit=2, max_waiting=10, max_wait_seconds=LONG)
    release, served = asyncio.Event(), list[str]()
    tasks = [asyncio.create_task(hold(bulkhead, Priority.PRICE, release, served, str(n))) for n in range(5)]
    await settle()

    assert (bulkhead.in_flight, bulkhead.waiting, len(served)) == (2, 3, 2)
    release.set()
    await asyncio.gather(*tasks)
    assert (bulkhead.in_flight, bulkhead.waiting, len(served)) == (0, 0, 5)


async def test_waiting_calls_go_by_priority_then_by_arrival() -> None:
    bulkhead = Bulkhead(limit=1, max_waiting=10, max_wait_seconds=LONG)
    gates = {name: asyncio.Event() for name in ("first", "price-1", "reserve", "settle", "price-2")}
    served: list[str] = []
    order = [
        ("first", Priority.PRICE),
        ("price-1", Priority.PRICE),
        ("reserve", Priority.RESERVE),
        ("settle", Priority.SETTLE),
        ("price-2", Priority.PRICE),
    ]
    tasks = []
    for name, priority in order:
        tasks.append(asyncio.create_task(hold(bulkhead, priority, gates[name], served, name)))
        await settle()
    for gate in gates.values():
        gate.set()
    await asyncio.gather(*tasks)

    assert served == ["first", "settle", "reserve", "price-1", "price-2"]


async def test_a_call_beyond_the_longest_line_is_refused_at_once() -> None:
    bulkhead = Bulkhead(limit=1, max_waiting=1, max_wait_seconds=LONG)
    release, served = asyncio.Event(), list[str]()
    tasks = [asyncio.create_task(hold(bulkhead, Priority.PRICE, release, served, str(n))) for n in range(2)]
    await settle()

    with pytest.raises(Overloaded) as refused:
        async with bulkhead.slot(Priority.SETTLE):
            pass

    assert refused.value.reason == "queue_full"
    release.set()
    await asyncio.gather(*tasks)


async def test_a_call_that_waits_too_long_is_refused_and_gives_its_place_up() -> None:
    bulkhead = Bulkhead(limit=1, max_waiting=5, max_wait_seconds=0.05)
    release, served = asyncio.Event(), list[str]()
    holder = asyncio.create_task(hold(bulkhead, Priority.PRICE, release, served, "holder"))
    await settle()

    with pytest.raises(Overloaded) as refused:
        async with bulkhead.slot(Priority.PRICE):
            served.append("never")

    assert refused.value.reason == "queue_timeout"
    assert bulkhead.waiting == 0
    release.set()
    await holder
    async with bulkhead.slot(Priority.PRICE):  # the slot came back: a new call goes straight in
        assert bulkhead.in_flight == 1
    assert served == ["holder"]


async def test_a_cancelled_waiter_leaves_the_line_without_taking_a_slot() -> None:
    bulkhead = Bulkhead(limit=1, max_waiting=5, max_wait_seconds=LONG)
    release, served = asyncio.Event(), list[str]()
    holder = asyncio.create_task(hold(bulkhead, Priority.PRICE, release, served, "holder"))
    await settle()
    waiter = asyncio.create_task(hold(bulkhead, Priority.PRICE, release, served, "cancelled"))
    follower = asyncio.create_task(hold(bulkhead, Priority.PRICE, release, served, "follower"))
    await settle()

    waiter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiter
    release.set()
    await asyncio.gather(holder, follower)

    assert served == ["holder", "follower"]
    assert (bulkhead.in_flight, bulkhead.waiting) == (0, 0)
