"""The view of Redis outages the APQ store and the entity cache share: one warning per outage, and
Redis left alone for a while."""

from __future__ import annotations

import logging

import pytest

from router.redis_outage import RedisOutage


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def warnings(caplog: pytest.LogCaptureFixture) -> int:
    return len([record for record in caplog.records if record.levelno == logging.WARNING])


def test_one_warning_per_outage(caplog: pytest.LogCaptureFixture) -> None:
    outage = RedisOutage(retry_seconds=5, clock=Clock())
    with caplog.at_level(logging.INFO, logger="router.redis_outage"):
        outage.failed(ConnectionError("refused"))
        outage.failed(ConnectionError("refused"))
        assert warnings(caplog) == 1
        outage.succeeded()
        outage.failed(ConnectionError("refused again"))
    assert warnings(caplog) == 2
    assert any("answers again" in record.message for record in caplog.records)


def test_redis_is_tried_again_only_after_the_retry_time() -> None:
    clock = Clock()
    outage = RedisOutage(retry_seconds=5, clock=clock)
    assert outage.worth_trying()
    outage.failed(ConnectionError("refused"))
    clock.now = 4.9
    assert not outage.worth_trying()
    clock.now = 5.0
    assert outage.worth_trying()


def test_once_due_one_caller_probes_and_the_others_wait_for_it() -> None:
    clock = Clock()
    outage = RedisOutage(retry_seconds=5, clock=clock)
    outage.failed(ConnectionError("refused"))
    clock.now = 5.0

    first, second = outage.worth_trying(), outage.worth_trying()

    assert (first, second) == (True, False)
