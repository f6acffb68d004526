"""The persisted-documents manifest: the operations a first-party client was built with, by id.

Two formats are read, both as their tools write them:

- Apollo's persisted query manifest (`generate-persisted-query-manifest`, Rover):
  `{"format": "apollo-persisted-query-manifest", "version": 1,
    "operations": [{"id", "name", "type", "body"}, ...]}`;
- the Guild's (GraphQL Code Generator's client preset, Hive): `{"<hash>": "<document>", ...}`.

Ids are kept as written. A `sha256:<hex>` document id (the GraphQL-over-HTTP persisted documents draft)
also finds a bare `<hex>` id and the other way round, since the two formats differ only there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from router.edge.persisted.errors import ManifestInvalid

APOLLO_FORMAT = "apollo-persisted-query-manifest"
SHA256_PREFIX = "sha256:"


class ApolloOperation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    name: str | None = None
    type: Literal["query", "mutation", "subscription"] | None = None
    body: str = Field(min_length=1)


class ApolloManifest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: Literal["apollo-persisted-query-manifest"]
    version: Literal[1]
    operations: list[ApolloOperation]


_GUILD_MANIFEST: TypeAdapter[dict[str, str]] = TypeAdapter(dict[str, str])


@dataclass(frozen=True, slots=True)
class Manifest:
    """Documents by id, and the set of their exact texts (what the safelist compares free text with)."""

    documents: Mapping[str, str]
    bodies: frozenset[str]

    @classmethod
    def of(cls, documents: Mapping[str, str]) -> Manifest:
        return cls(dict(documents), frozenset(documents.values()))

    def document(self, document_id: str) -> str | None:
        """The document with this id, trying `sha256:<hex>` and `<hex>` as the same id."""
        found = self.documents.get(document_id)
        if found is not None:
            return found
        if document_id.startswith(SHA256_PREFIX):
            return self.documents.get(document_id.removeprefix(SHA256_PREFIX))
        return self.documents.get(SHA256_PREFIX + document_id)

    def holds_body(self, query: str) -> bool:
        return query in self.bodies


def _first_mistake(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"{where}: {first['msg']}"


def _apollo_documents(decoded: dict[str, Any]) -> dict[str, str]:
    try:
        manifest = ApolloManifest.model_validate(decoded)
    except ValidationError as error:
        reason = _first_mistake(error)
        raise ManifestInvalid(f"not a valid Apollo persisted query manifest: {reason}") from error
    documents: dict[str, str] = {}
    for operation in manifest.operations:
        known = documents.setdefault(operation.id, operation.body)
        if known != operation.body:
            raise ManifestInvalid(f"operation id {operation.id!r} appears twice with different bodies")
    return documents


def _guild_documents(decoded: dict[str, Any]) -> dict[str, str]:
    try:
        documents = _GUILD_MANIFEST.validate_python(decoded)
    except ValidationError as error:
        raise ManifestInvalid(
            "neither an Apollo persisted query manifest nor a {hash: document} object: "
            + _first_mistake(error)
        ) from error
    for document_id, body in documents.items():
        if not document_id or not body:
            raise ManifestInvalid(f"empty id or document in the {{hash: document}} object ({document_id!r})")
    return documents


def parse_manifest(text: bytes | str) -> Manifest:
    """The manifest in `text` (either format); raises `ManifestInvalid` with a one-line reason."""
    try:
        decoded = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise ManifestInvalid(f"not JSON: {error}") from error
    if not isinstance(decoded, dict):
        raise ManifestInvalid("must be a JSON object")
    if "format" in decoded:
        return Manifest.of(_apollo_documents(decoded))
    return Manifest.of(_guild_documents(decoded))


def load_manifest(path: Path) -> Manifest:
    """Read and parse the manifest file; every failure is a `ManifestInvalid` naming the file."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise ManifestInvalid(f"persisted query manifest {path}: {error.strerror or error}") from error
    try:
        return parse_manifest(text)
    except ManifestInvalid as error:
        raise ManifestInvalid(f"persisted query manifest {path}: {error}") from error
