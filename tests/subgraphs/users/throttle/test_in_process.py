"""The in-process counters stay small: what is past its time is swept, and their size is bounded."""

from __future__ import annotations

from subgraphs.users.throttle import InProcessCounters, ThrottleRules, attempt_keys
from subgraphs.users.throttle.rules import AttemptKeys
from tests.subgraphs.users.throttle.conftest import RULES, START


def guess_from_an_address_of_its_own(index: int) -> AttemptKeys:
    return attempt_keys(email=f"guess{index}@example.com", address=f"10.0.{index // 256}.{index % 256}")


def test_counts_past_their_time_are_swept() -> None:
    counters = InProcessCounters(RULES, sweep_seconds=10)
    for index in range(5):
        counters.reserve(attempt_keys(email=f"guess{index}@example.com", address="10.0.0.1"), START)
    assert len(counters) == 6  # five pairs and one address

    counters.reserve(attempt_keys(email="ada@example.com", address="10.0.0.2"), START + RULES.window_seconds)

    assert len(counters) == 2


def test_at_most_max_entries_pairs_and_addresses_are_kept() -> None:
    counters = InProcessCounters(RULES, max_entries=100)
    for index in range(1000):
        counters.reserve(guess_from_an_address_of_its_own(index), START)
    assert len(counters) == 200


def test_the_least_recently_counted_go_first() -> None:
    counters = InProcessCounters(
        ThrottleRules(failures_before_delay=1, first_delay_seconds=60), max_entries=2
    )
    ada = attempt_keys(email="ada@example.com", address=None)
    counters.reserve(ada, START)
    counters.reserve(attempt_keys(email="bob@example.com", address=None), START)
    counters.reserve(attempt_keys(email="carol@example.com", address=None), START)

    assert counters.reserve(ada, START).allowed  # evicted: counted afresh


def test_clear_forgets_everything() -> None:
    counters = InProcessCounters(RULES)
    ada = attempt_keys(email="ada@example.com", address="10.0.0.1")
    for _ in range(3):
        counters.reserve(ada, START)
    counters.clear()
    assert len(counters) == 0
    assert counters.reserve(ada, START).allowed
