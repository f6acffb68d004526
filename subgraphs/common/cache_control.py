"""The `Cache-Control` header each subgraph answers, so the router's entity cache and HTTP caches know
how long, and for whom, an answer may be kept (docs/router.md, "Entity cache").

A subgraph declares a small table: the policy of any query, and the stricter policies of the field
and type names that need one (stock changes by the second, so `stock` is short). A query is held to
the policy of every name it mentions, looked up once per distinct query text (the router sends the
same few texts over and over), so the hot path pays a dict lookup, not a walk of the selection.
Mentioning a name is a superset of touching it, so a policy can only come out stricter, never looser.
Mutations and answers with errors are `no-store`; a caller whose role changes what it is shown gets
the policy as `private` (kept per caller by the router, never shared).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from subgraphs.common.auth import Caller

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_COMMENT = re.compile(r"#[^\n]*")


@dataclass(frozen=True, slots=True)
class CacheHint:
    """Keep for `max_age` seconds (0: do not store), for everyone or, `private`, for the caller only."""

    max_age: int
    private: bool = False

    def restrict(self, other: CacheHint) -> CacheHint:
        return CacheHint(min(self.max_age, other.max_age), self.private or other.private)

    def header(self) -> str:
        if self.max_age <= 0:
            return "no-store"
        return f"{'private' if self.private else 'public'}, max-age={self.max_age}"


NO_STORE = CacheHint(0, private=True)
MAX_QUERIES = 2048  # distinct query texts whose policy is remembered


def public(seconds: int) -> CacheHint:
    return CacheHint(seconds)


def private(seconds: int) -> CacheHint:
    return CacheHint(seconds, private=True)


def _operation_names(query: str) -> tuple[bool, frozenset[str]]:
    """Whether the document is a mutation, and every name in it."""
    names = _NAME.findall(_COMMENT.sub("", query))
    return bool(names) and names[0] == "mutation", frozenset(names)


@dataclass(frozen=True, slots=True)
class CachePolicyTable:
    """`default` for any query; `names` (field or type names) restrict it; `for_caller` may restrict
    it further for some callers (None: no change)."""

    default: CacheHint
    names: Mapping[str, CacheHint] = field(default_factory=dict)
    for_caller: Callable[[Caller], CacheHint | None] = lambda _caller: None
    _by_query: dict[str, CacheHint] = field(default_factory=dict, compare=False, repr=False)

    def hint(self, query: str | None, caller: Caller, *, failed: bool) -> CacheHint:
        if failed or not query:
            return NO_STORE
        hint = self._by_query.get(query)
        if hint is None:
            hint = self._of_query(query)
            if len(self._by_query) < MAX_QUERIES:  # bounded: a flood of distinct texts only misses
                self._by_query[query] = hint
        extra = self.for_caller(caller)
        return hint if extra is None else hint.restrict(extra)

    def _of_query(self, query: str) -> CacheHint:
        mutation, names = _operation_names(query)
        if mutation:
            return NO_STORE
        hint = self.default
        for name in names & self.names.keys():
            hint = hint.restrict(self.names[name])
        return hint


def restricted_header(existing: str | None, hint: CacheHint) -> str:
    """The header for a response that already has one (a batch: one response, several operations)."""
    if existing is None:
        return hint.header()
    if existing == "no-store" or hint.max_age <= 0:
        return "no-store"
    visibility, _, age = existing.partition(", max-age=")
    return hint.restrict(CacheHint(int(age or 0), visibility == "private")).header()
