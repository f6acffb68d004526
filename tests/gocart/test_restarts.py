"""The restart policy's bookkeeping: back-off, the crash window, and the reset after a long run."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gocart.restarts import CrashHistory, GiveUp, Restart, RestartPolicy

POLICY = RestartPolicy(
    backoff_seconds=1, max_backoff_seconds=5, max_crashes=4, window_seconds=60, reset_after_seconds=30
)


def test_the_delay_doubles_with_each_restart_up_to_the_cap() -> None:
    assert [POLICY.delay(restart) for restart in range(1, 6)] == [1, 2, 4, 5, 5]


def test_quick_crashes_are_restarted_with_growing_delays_then_given_up_within_the_window() -> None:
    history = CrashHistory(POLICY)

    verdicts = [history.crashed(at=at, up_since=at - 1) for at in (10, 12, 15, 20)]

    assert verdicts == [Restart(1, 1), Restart(2, 2), Restart(3, 4), GiveUp(crashes=4, window_seconds=60)]


def test_crashes_older_than_the_window_no_longer_count_towards_giving_up() -> None:
    history = CrashHistory(POLICY)
    for at in (0, 20, 40):
        history.crashed(at=at, up_since=at - 1)

    verdict = history.crashed(at=61, up_since=60)

    assert verdict == Restart(4, 5)  # the crash at 0 left the window: 3 crashes within it, not 4


def test_a_run_as_long_as_the_reset_time_forgets_earlier_crashes() -> None:
    history = CrashHistory(POLICY)
    for at in (0, 2, 4):
        history.crashed(at=at, up_since=at - 1)

    after_a_long_run = history.crashed(at=40, up_since=10)
    next_quick_crash = history.crashed(at=42, up_since=41)

    assert (after_a_long_run, next_quick_crash) == (Restart(1, 1), Restart(2, 2))


def test_a_policy_that_could_never_restart_is_refused() -> None:
    with pytest.raises(ValidationError):
        RestartPolicy(max_crashes=0)
