"""What a `Cache-Control` header allows, reduced to what the router acts on: how long, and for whom.

A subgraph says it per response; the router keeps the entries it may cache for that long, and answers
a client's GET with the most restrictive policy of everything the request touched (`restrict`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum


class Visibility(Enum):
    PUBLIC = "public"  # the same for every caller: shared by all
    PRIVATE = "private"  # for one caller: kept under that caller's subject only


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """`max_age` seconds for `visibility` callers; a `max_age` of 0 means: do not store."""

    max_age: int
    visibility: Visibility = Visibility.PUBLIC

    @property
    def storable(self) -> bool:
        return self.max_age > 0

    @property
    def private(self) -> bool:
        return self.visibility is Visibility.PRIVATE

    def restrict(self, other: CachePolicy) -> CachePolicy:
        """The policy that honours both: the shorter age, private if either is."""
        visibility = Visibility.PRIVATE if self.private or other.private else Visibility.PUBLIC
        return CachePolicy(min(self.max_age, other.max_age), visibility)

    def header(self) -> str:
        """The `Cache-Control` value to send: `no-store`, or `<public|private>, max-age=<n>`."""
        if not self.storable:
            return "no-store"
        return f"{self.visibility.value}, max-age={self.max_age}"


NO_STORE = CachePolicy(0, Visibility.PRIVATE)


@functools.lru_cache(maxsize=256)  # subgraphs send few distinct headers; parse each once
def parse_cache_control(header: str | None) -> CachePolicy:
    """The policy of a subgraph's `Cache-Control`: no header, `no-store`, `no-cache` or no `max-age`
    mean do not store; `s-maxage` wins over `max-age` for public answers (it is the shared caches'
    age), and an answer that is not marked `public` is private (an HTTP cache could not share it
    either without being told)."""
    if not header:
        return NO_STORE
    directives: dict[str, str | None] = {}
    for part in header.lower().split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name] = value.strip().strip('"') or None
    if "no-store" in directives or "no-cache" in directives:
        return NO_STORE
    visibility = Visibility.PUBLIC if "public" in directives else Visibility.PRIVATE
    if "private" in directives:
        visibility = Visibility.PRIVATE
    age = directives.get("s-maxage") if visibility is Visibility.PUBLIC else None
    age = age if age is not None else directives.get("max-age")
    try:
        seconds = int(age) if age is not None else 0
    except ValueError:
        return NO_STORE
    return CachePolicy(max(0, seconds), visibility) if seconds > 0 else NO_STORE
