"""When a failed delivery is tried again: exponential backoff with jitter, for a window of time.

The n-th failed attempt waits `base * 2**(n-1)` (capped at `max_delay`), of which a random half is
taken off, so the deliveries of an endpoint that was down do not all come back at the same instant.
Once the window after the first attempt has passed, the delivery is given up (`failed`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetrySchedule:
    base_seconds: float = 5.0
    max_delay_seconds: float = 3600.0
    window_seconds: float = 86_400.0

    def delay(self, failed_attempts: int, *, jitter: random.Random | None = None) -> timedelta:
        """The pause after the `failed_attempts`-th failure (1 for the first)."""
        exponent = min(max(failed_attempts, 1) - 1, 32)  # beyond this the cap holds anyway
        full = min(self.max_delay_seconds, self.base_seconds * 2**exponent)
        draw = (jitter or random).random()
        return timedelta(seconds=full / 2 + full / 2 * draw)

    def next_attempt(
        self, *, failed_attempts: int, first_attempt_at: datetime, now: datetime
    ) -> datetime | None:
        """When to try again; None when the window is over (the delivery has failed)."""
        retry_at = now + self.delay(failed_attempts)
        if retry_at > first_attempt_at + timedelta(seconds=self.window_seconds):
            return None
        return retry_at
