"""The router's entity cache (Apollo Router's entity caching): `_entities` results and root-field
fetches kept in Redis for as long as the subgraphs' `Cache-Control` allows, private data per caller,
invalidated by entity (docs/router.md, "Entity cache")."""

from router.entity_cache.policy import NO_STORE, CachePolicy, Visibility, parse_cache_control
from router.entity_cache.scope import ANONYMOUS, UNCACHED, CacheScope, scope_of
from router.entity_cache.store import Cached, EntityCache, EntityRef

__all__ = [
    "ANONYMOUS",
    "NO_STORE",
    "UNCACHED",
    "CachePolicy",
    "CacheScope",
    "Cached",
    "EntityCache",
    "EntityRef",
    "Visibility",
    "parse_cache_control",
    "scope_of",
]
