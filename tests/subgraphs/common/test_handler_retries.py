"""The pause before a consumer tries a failed event again."""

from __future__ import annotations

from subgraphs.common.handler_retries import HandlerRetries


def test_pauses_double_up_to_their_cap() -> None:
    retries = HandlerRetries(max_attempts=8, first_pause_seconds=1.0, max_pause_seconds=5.0)

    assert [retries.pause_after(failures) for failures in range(1, 9)] == [1, 2, 4, 5, 5, 5, 5, 0]
