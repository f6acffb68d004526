"""Invalidation requests, in Apollo Router's shape: what `POST /invalidation` accepts, and what a
subgraph's mutation answer names in `extensions.invalidation` (docs/router.md, "Entity cache").

    {"kind": "entity", "subgraph": "products", "type": "Product", "key": {"id": "..."}}
    {"kind": "type", "subgraph": "products", "type": "Product"}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subgraph: str = Field(min_length=1)
    type: str = Field(min_length=1)


class EntityInvalidation(_Request):
    kind: Literal["entity"]
    key: dict[str, Any] = Field(min_length=1)


class TypeInvalidation(_Request):
    kind: Literal["type"]


Invalidation = EntityInvalidation | TypeInvalidation
INVALIDATIONS: TypeAdapter[Invalidation | list[Invalidation]] = TypeAdapter(Invalidation | list[Invalidation])


def entity_key(request: Invalidation) -> dict[str, Any] | None:
    """The entity's key fields, or None for the whole type (`EntityCache.invalidate`'s `key`)."""
    return request.key if isinstance(request, EntityInvalidation) else None
