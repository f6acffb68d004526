"""Password rules and Argon2id hashing.

The rules follow NIST SP 800-63B: long enough, not absurdly long (hashing cost), not a known common
password, not built from the account's own email or name. No composition rules.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from subgraphs.common.errors import BadUserInputError

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password12",
        "password123",
        "password1234",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "1234567890",
        "0123456789",
        "123456789a",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "zaq12wsxcde",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "welcome1234",
        "administrator",
        "admin12345",
        "changeme123",
        "trustno1234",
        "sunshine123",
        "football12",
        "baseball12",
        "princess12",
        "superman12",
        "starwars12",
        "dragon1234",
        "monkey1234",
        "abc1234567",
        "abcdefghij",
        "aaaaaaaaaa",
        "1111111111",
        "0000000000",
        "1234512345",
        "9876543210",
        "computer12",
        "internet12",
        "gocart1234",
        "ecommerce1",
    ]
)


def check_password(password: str, *, email: str, first_name: str = "", last_name: str = "") -> None:
    """BAD_USER_INPUT, with a reason a person can act on, for a password that is weak or too long."""
    if len(password) < MIN_LENGTH:
        raise BadUserInputError(f"The password must be at least {MIN_LENGTH} characters.", field="password")
    if len(password) > MAX_LENGTH:
        raise BadUserInputError(f"The password must be at most {MAX_LENGTH} characters.", field="password")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise BadUserInputError("The password is too easy to guess.", field="password")
    personal = [email.split("@", 1)[0], first_name, last_name]
    if any(len(part) >= 4 and part.lower() in lowered for part in personal):
        raise BadUserInputError("The password must not contain your email or name.", field="password")


class Passwords:
    """Argon2id hashing with the configured cost; verifying also says when a hash needs upgrading."""

    def __init__(self, *, time_cost: int, memory_kib: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # Verified against when an email is unknown, so a miss costs as long as a wrong password.
        self._decoy = self._hasher.hash("decoy password that never matches")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._decoy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
