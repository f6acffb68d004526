"""Background tasks stop at shutdown, even one that swallows its first cancellation."""

from __future__ import annotations

import asyncio

from structlog.testing import capture_logs

from subgraphs.common.tasks import stop_tasks


async def sleeps_forever() -> None:
    await asyncio.sleep(3600)


async def swallows_one_cancellation(swallowed: asyncio.Event) -> None:
    """As a loop whose library turned the cancel into an error it catches, then goes round again."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        swallowed.set()
    await asyncio.sleep(3600)


async def fails() -> None:
    raise RuntimeError("the loop crashed")


async def test_a_task_that_honours_the_cancel_is_stopped() -> None:
    task = asyncio.create_task(sleeps_forever())
    await asyncio.sleep(0)

    await stop_tasks(task)

    assert task.cancelled()


async def test_a_task_that_swallows_the_cancel_is_cancelled_again_and_named_in_a_warning() -> None:
    swallowed = asyncio.Event()
    task = asyncio.create_task(swallows_one_cancellation(swallowed), name="stubborn-loop")
    await asyncio.sleep(0)

    with capture_logs() as logs:
        await stop_tasks(task, recancel_seconds=0.05)

    assert swallowed.is_set()
    assert task.cancelled()
    assert [(entry["event"], entry["tasks"]) for entry in logs] == [
        ("task.cancel_ignored", ["stubborn-loop"])
    ]


async def test_missing_tasks_are_passed_over_and_a_task_that_already_failed_is_logged() -> None:
    failed = asyncio.create_task(fails(), name="crashed-loop")
    await asyncio.sleep(0)

    with capture_logs() as logs:
        await stop_tasks(None, failed)

    assert [(entry["event"], entry["task"]) for entry in logs] == [("task.failed", "crashed-loop")]
    assert isinstance(failed.exception(), RuntimeError)
