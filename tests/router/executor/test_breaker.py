"""The circuit breaker's state machine, on a clock the tests step (no sleeps)."""

from __future__ import annotations

import pytest

from router.executor.breaker import BreakerState, CircuitBreaker, Permit


class SteppedClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def changes() -> list[BreakerState]:
    return []


@pytest.fixture
def breaker(clock: SteppedClock, changes: list[BreakerState]) -> CircuitBreaker:
    return CircuitBreaker(3, 10.0, clock=clock, on_change=changes.append)


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """The state now (a function, so the type checker does not carry an earlier answer over)."""
    return breaker.state


def fail(breaker: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        permit = breaker.admit()
        assert permit is not None
        breaker.record(permit, success=False)


def open_breaker(breaker: CircuitBreaker, clock: SteppedClock) -> Permit:
    """Open it, let the reset time pass, and take the probe's permit."""
    fail(breaker, 3)
    clock.now += 10
    probe = breaker.admit()
    assert probe is not None
    return probe


def test_opens_after_threshold_consecutive_failures(breaker: CircuitBreaker) -> None:
    fail(breaker, 2)
    assert state_of(breaker) is BreakerState.CLOSED
    fail(breaker)
    assert state_of(breaker) is BreakerState.OPEN
    assert breaker.admit() is None


def test_success_resets_the_consecutive_count(breaker: CircuitBreaker) -> None:
    fail(breaker, 2)
    permit = breaker.admit()
    assert permit is not None
    breaker.record(permit, success=True)
    fail(breaker, 2)
    assert state_of(breaker) is BreakerState.CLOSED


def test_stays_open_until_the_reset_time_has_passed(breaker: CircuitBreaker, clock: SteppedClock) -> None:
    fail(breaker, 3)
    clock.now += 9.9
    assert breaker.admit() is None
    assert state_of(breaker) is BreakerState.OPEN


def test_lets_a_single_probe_through_after_the_reset_time(
    breaker: CircuitBreaker, clock: SteppedClock
) -> None:
    probe = open_breaker(breaker, clock)
    assert probe.probe
    assert state_of(breaker) is BreakerState.HALF_OPEN
    assert breaker.admit() is None


def test_probe_success_closes(breaker: CircuitBreaker, clock: SteppedClock) -> None:
    breaker.record(open_breaker(breaker, clock), success=True)
    assert state_of(breaker) is BreakerState.CLOSED
    fail(breaker, 2)
    assert state_of(breaker) is BreakerState.CLOSED


def test_probe_failure_opens_again_for_a_whole_reset_time(
    breaker: CircuitBreaker, clock: SteppedClock
) -> None:
    breaker.record(open_breaker(breaker, clock), success=False)
    assert state_of(breaker) is BreakerState.OPEN
    clock.now += 9.9
    assert breaker.admit() is None
    clock.now += 0.1
    assert breaker.admit() is not None


def test_late_outcomes_of_calls_admitted_while_closed_are_ignored(
    breaker: CircuitBreaker, clock: SteppedClock
) -> None:
    early = breaker.admit()
    assert early is not None
    probe = open_breaker(breaker, clock)
    breaker.record(early, success=True)
    assert state_of(breaker) is BreakerState.HALF_OPEN
    breaker.record(probe, success=False)
    breaker.record(early, success=True)
    assert state_of(breaker) is BreakerState.OPEN


def test_abandoned_probe_hands_its_place_to_the_next_call(
    breaker: CircuitBreaker, clock: SteppedClock
) -> None:
    breaker.abandon(open_breaker(breaker, clock))
    assert state_of(breaker) is BreakerState.HALF_OPEN
    assert breaker.admit() is not None


def test_every_state_change_is_reported(
    breaker: CircuitBreaker, clock: SteppedClock, changes: list[BreakerState]
) -> None:
    breaker.record(open_breaker(breaker, clock), success=True)
    assert changes == [BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED]
