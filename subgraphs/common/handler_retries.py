"""How long a consumer waits before an event whose handler failed is tried again.

Tried again at once, a failure that lasts a moment (the router restarting, a dependency's connection
pool refilling) used up every attempt within milliseconds and dead-lettered the event; with a
doubling pause the attempts span that moment (1 + 2 + 4 + 8 s before the fifth by default).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class HandlerRetries:
    """After a handler's n-th failed attempt at an event, `first_pause_seconds * 2**(n - 1)`, at most
    `max_pause_seconds`, before attempt n + 1; no pause after the last of `max_attempts`."""

    max_attempts: int = 5
    first_pause_seconds: float = 1.0
    max_pause_seconds: float = 30.0
    sleep: Sleep = field(default=asyncio.sleep, compare=False)

    def pause_after(self, failures: int) -> float:
        """The pause after `failures` failed attempts (0 once they are all spent)."""
        if failures >= self.max_attempts:
            return 0.0
        return min(self.max_pause_seconds, self.first_pause_seconds * 2.0 ** (failures - 1))

    async def wait_after(self, failures: int) -> None:
        pause = self.pause_after(failures)
        if pause > 0:
            await self.sleep(pause)
