"""HTTP caching of GET queries, so that a CDN or a browser can serve them: `Cache-Control` is the most
restrictive policy of everything the answer was made of (router/entity_cache/policy.py), with an
`ETag` (a hash of the body) that a conditional GET (`If-None-Match`) matches to get a bodiless 304.

What may be stored: an answer without errors, every part of which a subgraph allowed to be stored.
It is `public` only when every part was; private answers are `private` for anonymous callers and
never stored for signed-in ones, whose browser may be shared between accounts. Every storable answer
says `Vary: Authorization`: a subgraph's public view may depend on the caller's role (an admin also
sees unlisted products), so a cache must not hand one caller's answer to a request with other
credentials; anonymous requests, the catalogue's, all share one entry. POST answers (and batches)
carry no caching header: HTTP caches do not store them.
"""

from __future__ import annotations

import hashlib

from router.entity_cache import CachePolicy

NO_STORE = "no-store"


def cache_control(
    policy: CachePolicy | None, *, status: int, has_errors: bool, authenticated: bool
) -> dict[str, str]:
    """The caching headers of one GET answer."""
    if policy is None or status != 200 or has_errors or not policy.storable:
        return {"cache-control": NO_STORE}
    if policy.private and authenticated:
        return {"cache-control": NO_STORE}
    return {"cache-control": policy.header(), "vary": "authorization"}


def entity_tag(body: bytes) -> str:
    """A strong validator of the exact body bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether `If-None-Match` names `tag` (weak comparison, as RFC 9110 asks for it), or is `*`."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False
