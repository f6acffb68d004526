"""The circuit breaker on calls to products, with a clock the test controls."""

from __future__ import annotations

from subgraphs.orders.breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, threshold: int = 3) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=threshold, reset_seconds=10, clock=clock)


def test_it_stays_closed_below_the_threshold() -> None:
    b = breaker(Clock())
    b.record_failure()
    b.record_failure()
    assert b.state is BreakerState.CLOSED
    assert b.allow()


def test_consecutive_failures_open_it_and_calls_are_refused() -> None:
    b = breaker(Clock())
    for _ in range(3):
        b.record_failure()
    assert b.state is BreakerState.OPEN
    assert not b.allow()


def test_a_success_resets_the_count() -> None:
    b = breaker(Clock())
    b.record_failure()
    b.record_failure()
    b.record_success()
    b.record_failure()
    assert b.state is BreakerState.CLOSED


def test_after_the_reset_time_one_trial_call_goes_through() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now = 10

    assert b.state is BreakerState.HALF_OPEN
    assert b.allow()
    assert not b.allow()  # only one trial at a time


def test_a_successful_trial_closes_it() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now = 10
    b.allow()
    b.record_success()
    assert b.state is BreakerState.CLOSED


def test_a_failed_trial_opens_it_again_for_a_full_period() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now = 10
    b.allow()
    b.record_failure()

    states = [b.state]
    clock.now = 19
    states.append(b.state)
    clock.now = 20
    states.append(b.state)
    assert states == [BreakerState.OPEN, BreakerState.OPEN, BreakerState.HALF_OPEN]
