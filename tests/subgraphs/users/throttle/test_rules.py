"""The throttle's arithmetic: free failures, doubling delays, the cap, and when a pair is forgotten."""

from __future__ import annotations

import hashlib

from subgraphs.users.throttle import ThrottleRules, attempt_keys

RULES = ThrottleRules(
    failures_before_delay=3, first_delay_seconds=1.0, max_delay_seconds=60.0, window_seconds=900
)


def test_the_first_failures_have_no_delay() -> None:
    assert [RULES.delay_after(failures) for failures in range(3)] == [0.0, 0.0, 0.0]


def test_the_delay_doubles_with_each_failure_past_the_free_ones() -> None:
    assert [RULES.delay_after(failures) for failures in range(3, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_the_delay_is_capped() -> None:
    assert [RULES.delay_after(failures) for failures in (9, 10, 50)] == [60.0, 60.0, 60.0]


def test_an_enormous_count_still_has_the_capped_delay() -> None:
    assert RULES.delay_after(10**6) == 60.0


def test_a_pair_waits_its_delay_from_its_last_failure() -> None:
    assert RULES.pair_wait(failures=4, last_failure_at=100.0, now=100.5) == 1.5
    assert RULES.pair_wait(failures=4, last_failure_at=100.0, now=102.0) == 0.0


def test_within_the_free_failures_a_later_last_failure_means_no_wait() -> None:
    assert RULES.pair_wait(failures=2, last_failure_at=100.5, now=100.0) == 0.0


def test_a_pairs_failures_are_forgotten_a_window_after_its_delay_ends() -> None:
    assert RULES.remembered_for(4) == 2.0 + 900
    assert RULES.pair_wait(failures=10**6, last_failure_at=0.0, now=960.0) == 0.0


def test_attempt_keys_hash_the_email_and_keep_the_address() -> None:
    keys = attempt_keys(email="ada@example.com", address="2001:db8::1")
    digest = hashlib.sha256(b"ada@example.com").hexdigest()
    assert (keys.pair, keys.address) == (f"{digest}:2001:db8::1", "2001:db8::1")
    assert "ada" not in keys.pair


def test_an_unknown_address_has_a_pair_of_its_own_and_no_address() -> None:
    keys = attempt_keys(email="ada@example.com", address=None)
    assert keys.pair.endswith(":-")
    assert keys.address is None
