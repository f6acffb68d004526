"""`WhenAwaited` starts its work only when awaited, and anew each time."""

from __future__ import annotations

from subgraphs.common.later import WhenAwaited


async def test_nothing_is_started_until_it_is_awaited() -> None:
    started: list[str] = []

    async def load() -> str:
        started.append("load")
        return "loaded"

    later = WhenAwaited(load)
    before = list(started)
    assert (before, await later, started) == ([], "loaded", ["load"])


async def test_each_await_starts_the_work_again() -> None:
    calls: list[int] = []

    async def load() -> int:
        calls.append(len(calls))
        return len(calls)

    later = WhenAwaited(load)
    assert (await later, await later) == (1, 2)
