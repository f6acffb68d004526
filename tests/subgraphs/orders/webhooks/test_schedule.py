"""The retry schedule: exponential backoff with jitter, capped, until the window after the first
attempt is over."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from subgraphs.orders.webhooks.schedule import RetrySchedule

SCHEDULE = RetrySchedule(base_seconds=5, max_delay_seconds=3600, window_seconds=86_400)


def test_each_failure_doubles_the_wait_within_half_of_it_for_jitter() -> None:
    for failures, full in [(1, 5), (2, 10), (3, 20), (4, 40)]:
        delay = SCHEDULE.delay(failures, jitter=random.Random(failures)).total_seconds()
        assert full / 2 <= delay <= full


def test_the_wait_is_capped() -> None:
    assert SCHEDULE.delay(40).total_seconds() <= 3600


def test_a_delivery_is_retried_within_the_window() -> None:
    first = datetime(2026, 12, 2, tzinfo=UTC)
    now = first + timedelta(hours=23)

    retry_at = SCHEDULE.next_attempt(failed_attempts=1, first_attempt_at=first, now=now)

    assert retry_at is not None
    assert now < retry_at <= now + timedelta(seconds=5)


def test_a_delivery_is_given_up_once_the_window_is_over() -> None:
    first = datetime(2026, 12, 2, tzinfo=UTC)

    assert (
        SCHEDULE.next_attempt(failed_attempts=30, first_attempt_at=first, now=first + timedelta(hours=24))
        is None
    )
