"""The Redis keys of the entity cache, all under `<namespace>:entity-cache:`.

    e:<subgraph>:<type>:<entity>:<variant>:<scope>   one entity as one fetch selects it, for one scope
    i:<subgraph>:<type>:<entity>                     the set of an entity's `e:` keys (invalidation)
    r:<subgraph>:<variant>:<scope>                   one root-field fetch's data
    ri:<subgraph>                                    the set of a subgraph's `r:` keys (invalidation)

`<entity>` hashes the entity's key fields (canonical JSON), so the invalidation API, naming the entity
by its key, finds the same key the executor built from a representation. `<variant>` hashes what else
decides the answer: the subgraph operation (the selection), its variables and, for an entity, its whole
representation (`@requires` fields included). `<scope>` is `public` (anonymous callers), `public-<role>`
(signed-in callers of that role), or `private-<hash of the caller's subject>`: private data is only
ever stored and found under the subject it was fetched for (router/entity_cache/scope.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

PUBLIC_SCOPE = "public"


def _digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(4, "big"))  # length-prefixed: no two part lists hash alike
        hasher.update(part)
    return hasher.hexdigest()[:32]


def canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def private_scope(subject: str) -> str:
    return "private-" + _digest(subject.encode("utf-8"))


def entity_id(key: Mapping[str, Any]) -> str:
    """The entity's identity from its key fields' values (`{"id": "p1"}`), whatever their order."""
    return _digest(canonical(key))


def variant(operation: str, variables: Mapping[str, Any], representation: Mapping[str, Any] | None) -> str:
    parts = [operation.encode("utf-8"), canonical(variables)]
    if representation is not None:
        parts.append(canonical(representation))
    return _digest(*parts)


class CacheKeys:
    """Builds the keys of one namespace."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{namespace}:entity-cache:"

    def entity(self, subgraph: str, typename: str, entity: str, variant_id: str, scope: str) -> str:
        return f"{self.prefix}e:{subgraph}:{typename}:{entity}:{variant_id}:{scope}"

    def entity_index(self, subgraph: str, typename: str, entity: str) -> str:
        return f"{self.prefix}i:{subgraph}:{typename}:{entity}"

    def root(self, subgraph: str, variant_id: str, scope: str) -> str:
        return f"{self.prefix}r:{subgraph}:{variant_id}:{scope}"

    def type_patterns(self, subgraph: str, typename: str) -> tuple[str, str]:
        """SCAN patterns of every entry and index of a type (type-wide invalidation)."""
        return f"{self.prefix}e:{subgraph}:{typename}:*", f"{self.prefix}i:{subgraph}:{typename}:*"

    def root_index(self, subgraph: str) -> str:
        return f"{self.prefix}ri:{subgraph}"
