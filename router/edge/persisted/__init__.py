"""Persisted queries at the edge: Apollo's automatic persisted queries (APQ, stored in Redis behind an
in-process LRU) and a manifest of persisted documents that can serve as a safelist."""

from router.edge.persisted.errors import ManifestInvalid
from router.edge.persisted.manifest import Manifest, load_manifest, parse_manifest
from router.edge.persisted.resolver import PersistedQueries, Resolution, sha256_hex
from router.edge.persisted.store import ApqStore

__all__ = [
    "ApqStore",
    "Manifest",
    "ManifestInvalid",
    "PersistedQueries",
    "Resolution",
    "load_manifest",
    "parse_manifest",
    "sha256_hex",
]
