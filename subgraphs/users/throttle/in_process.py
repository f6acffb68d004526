"""The throttle's counters in this process's memory: the degraded mode while Redis is unreachable.

Same rules as in Redis (rules.py), but per process: with several replicas, each counts alone, so an
attacker spreading attempts over N replicas gets up to N times the attempts. Entries past their time are
swept every `sweep_seconds`, and at most `max_entries` pairs and addresses are kept (the least recently
counted go first), so a flood of fresh emails cannot exhaust memory during an outage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from subgraphs.users.throttle.rules import (
    ACCOUNT_ADDRESS,
    ADDRESS,
    ALLOWED,
    AttemptKeys,
    ThrottleRules,
    Verdict,
)

Entry = TypeVar("Entry")


@dataclass(slots=True)
class _Pair:
    failures: int
    last_failure_at: float


@dataclass(slots=True)
class _AddressWindow:
    failures: int
    ends_at: float


class InProcessCounters:
    def __init__(
        self, rules: ThrottleRules, *, max_entries: int = 100_000, sweep_seconds: float = 10.0
    ) -> None:
        self.rules = rules
        self._max_entries = max_entries
        self._sweep_seconds = sweep_seconds
        self._pairs: dict[str, _Pair] = {}
        self._addresses: dict[str, _AddressWindow] = {}
        self._swept_at = float("-inf")

    def __len__(self) -> int:
        return len(self._pairs) + len(self._addresses)

    def reserve(self, keys: AttemptKeys, now: float) -> Verdict:
        """Count the attempt against its pair and address, or refuse it and count nothing."""
        self._sweep(now)
        pair = self._live_pair(keys.pair, now)
        if pair is not None:
            wait = self.rules.pair_wait(pair.failures, pair.last_failure_at, now)
            if wait > 0:
                return Verdict(False, wait, ACCOUNT_ADDRESS)
        window = self._live_window(keys.address, now)
        if window is not None and window.failures >= self.rules.max_failures_per_address:
            return Verdict(False, window.ends_at - now, ADDRESS)
        failures, last = (pair.failures, max(pair.last_failure_at, now)) if pair is not None else (0, now)
        self._keep(self._pairs, keys.pair, _Pair(failures + 1, last))
        if keys.address is not None:
            if window is None:
                window = _AddressWindow(0, now + self.rules.window_seconds)
            window.failures += 1
            self._keep(self._addresses, keys.address, window)
        return ALLOWED

    def forgive(self, keys: AttemptKeys, now: float) -> None:
        """The right password: the pair starts afresh and the address gets its attempt back."""
        self._pairs.pop(keys.pair, None)
        window = self._live_window(keys.address, now)
        if window is not None and window.failures > 0:
            window.failures -= 1

    def clear(self) -> None:
        self._pairs.clear()
        self._addresses.clear()

    def _live_pair(self, key: str, now: float) -> _Pair | None:
        pair = self._pairs.get(key)
        if pair is not None and now >= pair.last_failure_at + self.rules.remembered_for(pair.failures):
            del self._pairs[key]
            return None
        return pair

    def _live_window(self, address: str | None, now: float) -> _AddressWindow | None:
        if address is None:
            return None
        window = self._addresses.get(address)
        if window is not None and now >= window.ends_at:
            del self._addresses[address]
            return None
        return window

    def _keep(self, entries: dict[str, Entry], key: str, entry: Entry) -> None:
        """Store `entry` as the most recently counted; drop the least recent one past the bound."""
        entries.pop(key, None)
        entries[key] = entry
        if len(entries) > self._max_entries:
            del entries[next(iter(entries))]

    def _sweep(self, now: float) -> None:
        if now - self._swept_at < self._sweep_seconds:
            return
        self._swept_at = now
        remembered = self.rules.remembered_for
        self._pairs = {
            key: pair
            for key, pair in self._pairs.items()
            if now < pair.last_failure_at + remembered(pair.failures)
        }
        self._addresses = {key: window for key, window in self._addresses.items() if now < window.ends_at}
