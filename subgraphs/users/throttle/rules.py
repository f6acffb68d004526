"""The sign-in throttle's rules, as arithmetic on counts and times: no I/O and no clock of its own, so the
in-process counters and the Redis script apply the very same numbers.

OWASP's Authentication Cheat Sheet (login throttling, account lockout) recommends a lockout that starts
very short and doubles with each failure, and warns that a lockout must not become a way to lock other
people out. A count per account alone does exactly that: anyone who knows an email could keep its owner
out. So failures count per (account, client address):

- A pair's first `failures_before_delay` failures are answered at once. After that, the next attempt from
  that address on that account must wait `first_delay_seconds` after the last failure, doubling with each
  further failure, up to `max_delay_seconds`. A pair's failures are forgotten `window_seconds` after its
  current delay ends, or at once when the right password is given from that address.
- An address may fail `max_failures_per_address` times in a fixed window of `window_seconds`, whatever
  the accounts, so one address cannot spray passwords over many accounts.
- The right password from an address that has not failed (nor reached its own limit) is never delayed,
  however many failures other addresses caused on the account.

An attempt is counted before the password is checked (a reservation), and given back when it succeeds,
so parallel guesses cannot all slip through while the first ones are still being hashed. A refused
attempt counts nowhere: it never checked a password.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

ACCOUNT_ADDRESS = "account_address"
ADDRESS = "address"
NO_ADDRESS = "-"  # the pair's address part when the client's address is unknown
_MAX_DOUBLINGS = 64  # 2**64 first delays is past any cap; keeps the power finite


@dataclass(frozen=True, slots=True)
class ThrottleRules:
    failures_before_delay: int = 5
    first_delay_seconds: float = 1.0
    max_delay_seconds: float = 900.0
    max_failures_per_address: int = 50
    window_seconds: float = 900.0

    def delay_after(self, failures: int) -> float:
        """How long after the last of a pair's `failures` failures its next attempt may come (0: at once)."""
        beyond = failures - self.failures_before_delay
        if beyond < 0:
            return 0.0
        delay = self.first_delay_seconds * 2.0 ** min(beyond, _MAX_DOUBLINGS)
        return min(delay, self.max_delay_seconds)

    def remembered_for(self, failures: int) -> float:
        """How long after its last failure a pair's count is kept: its delay, then the window."""
        return self.delay_after(failures) + self.window_seconds

    def pair_wait(self, failures: int, last_failure_at: float, now: float) -> float:
        """Seconds the pair must still wait at `now` (0: it may try now). Without a delay there is no
        wait, even when another attempt's clock read a later time than this one's."""
        delay = self.delay_after(failures)
        if delay <= 0 or now >= last_failure_at + delay + self.window_seconds:
            return 0.0
        return max(0.0, last_failure_at + delay - now)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the attempt was reserved; if not, in how many seconds it may come and which rule said no."""

    allowed: bool
    retry_after: float = 0.0
    rule: str | None = None


ALLOWED = Verdict(True)


@dataclass(frozen=True, slots=True)
class AttemptKeys:
    """What an attempt counts against: its (account, address) pair, and its address when known."""

    pair: str
    address: str | None


def attempt_keys(*, email: str, address: str | None) -> AttemptKeys:
    """The email is hashed, so no store holds it; unknown emails count like known ones."""
    account = hashlib.sha256(email.encode()).hexdigest()
    return AttemptKeys(pair=f"{account}:{address or NO_ADDRESS}", address=address or None)
