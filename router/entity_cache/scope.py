"""Whose entries a request may read and write: the caller's cache scope.

Public entries are shared by callers of one role only: a subgraph answers a role-dependent view as
`public` to whoever is not privileged (the catalogue without unlisted products), and an admin must
not be served that. Private entries belong to one verified subject. A caller who sent credentials
the router did not verify (no token gate) could be anyone with any role, so nothing is cached for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.entity_cache.keys import PUBLIC_SCOPE, private_scope


@dataclass(frozen=True, slots=True)
class CacheScope:
    """The scope names of `public` and `private` entries for this caller (None: none of that kind)."""

    public: str | None
    private: str | None = None

    @property
    def readable(self) -> tuple[str, ...]:
        return tuple(scope for scope in (self.public, self.private) if scope is not None)


ANONYMOUS = CacheScope(PUBLIC_SCOPE)
UNCACHED = CacheScope(None)


def scope_of(*, signed_in: bool, subject: str | None, role: str | None) -> CacheScope:
    """`signed_in`: the request carried credentials (an Authorization header); `subject` and `role`
    are what the router verified of them (None when it verifies no tokens)."""
    if not signed_in:
        return ANONYMOUS
    if subject is None or role is None:
        return UNCACHED
    return CacheScope(f"{PUBLIC_SCOPE}-{role}", private_scope(subject))
