"""What the executor names to the entity cache: each entity's identity and variant, a root-field
fetch's variant (router/entity_cache/keys.py), and what a mutation's answer says it changed."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from redis.exceptions import RedisError

from router.entity_cache import EntityCache, EntityRef
from router.entity_cache.keys import entity_id, variant
from router.entity_cache.requests import INVALIDATIONS, entity_key
from router.executor.representations import Representation
from router.plan.nodes import FetchNode
from router.supergraph.model import Supergraph

logger = logging.getLogger(__name__)

REPRESENTATIONS = "representations"


def top_level_fields(field_set: str) -> tuple[str, ...]:
    """The top-level field names of a `@key` field set: `"id"`, `"sku variant { id }"` -> sku, variant."""
    names: list[str] = []
    depth = 0
    for word in field_set.replace("{", " { ").replace("}", " } ").split():
        if word == "{":
            depth += 1
        elif word == "}":
            depth -= 1
        elif depth == 0:
            names.append(word)
    return tuple(names)


class EntityKeys:
    """The key fields of each entity type in each subgraph (every `@key` of it, top level), looked up
    once per pair: a representation's values of them are the entity's identity."""

    def __init__(self, supergraph: Supergraph) -> None:
        self._supergraph = supergraph
        self._fields: dict[tuple[str, str], frozenset[str]] = {}

    def fields(self, subgraph: str, typename: str) -> frozenset[str]:
        found = self._fields.get((subgraph, typename))
        if found is None:
            type_def = self._supergraph.types.get(typename)
            joins = type_def.keys_in(subgraph) if type_def is not None else ()
            found = frozenset(name for join in joins for name in top_level_fields(join.key or ""))
            self._fields[(subgraph, typename)] = found
        return found

    def identity(self, subgraph: str, representation: Mapping[str, Any]) -> tuple[str, str]:
        """The entity's type and `entity_id`; without known key fields, every field but `__typename`."""
        typename = str(representation.get("__typename", ""))
        key_fields = self.fields(subgraph, typename)
        key = {
            name: value
            for name, value in representation.items()
            if name != "__typename" and (not key_fields or name in key_fields)
        }
        return typename, entity_id(key)


def entity_refs(
    keys: EntityKeys, fetch: FetchNode, variables: Mapping[str, Any], batch: Sequence[Representation]
) -> list[EntityRef]:
    """The cache's name of each entity of an `_entities` fetch, in order."""
    others = {name: value for name, value in variables.items() if name != REPRESENTATIONS}
    refs = []
    for item in batch:
        typename, identity = keys.identity(fetch.service_name, item.value)
        refs.append(EntityRef(typename, identity, variant(fetch.operation, others, item.value)))
    return refs


def root_variant(operation: str, variables: Mapping[str, Any]) -> str:
    return variant(operation, variables, None)


async def invalidate_named(cache: EntityCache, subgraph: str, response: Mapping[str, Any]) -> None:
    """Drop what a subgraph's mutation answer names in `extensions.invalidation` (Apollo Router's
    invalidation through subgraph responses), before the router answers, so the caller's next read
    sees its write. A subgraph may only name its own entries. Redis down or a malformed list is
    logged, never the caller's error: the subgraph's domain events invalidate the same entities again
    through `POST /invalidation` (subgraphs/common/router_notifier.py)."""
    extensions = response.get("extensions")
    named = extensions.get("invalidation") if isinstance(extensions, Mapping) else None
    if not named:
        return
    try:
        parsed = INVALIDATIONS.validate_python(named)
    except ValidationError as error:
        logger.warning("subgraph %r named a malformed invalidation: %s", subgraph, error.errors()[0]["msg"])
        return
    try:
        for item in parsed if isinstance(parsed, list) else [parsed]:
            if item.subgraph == subgraph:
                await cache.invalidate(item.subgraph, item.type, entity_key(item))
    except (RedisError, OSError) as error:
        logger.warning("entity cache invalidation after a mutation of %r failed: %s", subgraph, error)
