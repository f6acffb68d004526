"""Turning a request that names a document (by APQ hash or `documentId`) into one with its query text,
and holding free text to the safelist, before anything is parsed.

What a request may send, and what it gets (APQ: Apollo's automatic persisted queries protocol,
`extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`; `documentId`: the GraphQL-over-HTTP
persisted documents draft):

- text only: runs; under `safelist_only` only text that is exactly a document of the manifest
  (else QUERY_NOT_IN_SAFELIST).
- an id only: the manifest's document, else (APQ on) the registered query, else PERSISTED_QUERY_NOT_FOUND
  for an APQ hash with APQ on (the client then sends the text), PERSISTED_QUERY_NOT_IN_LIST otherwise.
- an APQ hash and text, APQ on: sha256(text) must be the hash (else PERSISTED_QUERY_HASH_MISMATCH); it
  runs, and is registered once it has parsed, validated and planned. With APQ off or `safelist_only`:
  CANNOT_SEND_PQ_ID_AND_BODY.
- a `documentId` and text: CANNOT_SEND_PQ_ID_AND_BODY (a document id names a document; it registers none).
- any id with APQ off and no manifest: PERSISTED_QUERY_NOT_SUPPORTED.

`safelist_only` switches APQ off: a registered query is exactly what a safelist must not let in.
"""

from __future__ import annotations

import dataclasses
import hashlib
import string
from collections.abc import Mapping
from dataclasses import dataclass

from prometheus_client import Counter
from redis.asyncio import Redis

from router.config import RouterSettings
from router.edge.persisted.errors import (
    CannotSendIdAndBody,
    PersistedQueryHashMismatch,
    PersistedQueryNotFound,
    PersistedQueryNotInList,
    PersistedQueryNotSupported,
    QueryNotInSafelist,
)
from router.edge.persisted.manifest import SHA256_PREFIX, Manifest, load_manifest
from router.edge.persisted.store import ApqStore
from router.errors import BadRequest
from router.gateway import GraphQLRequest
from router.metrics import RouterMetrics

APQ_VERSION = 1
_HEX_DIGITS = frozenset(string.hexdigits)
_LONGEST_ID_ECHOED = 100


@dataclass(frozen=True, slots=True)
class DocumentReference:
    """The id a request names its document by; `apq` when it came as Apollo's extension."""

    document_id: str
    apq: bool

    @property
    def sha256(self) -> str | None:
        """The id as lower-case sha256 hex, when it is one (bare or `sha256:`-prefixed)."""
        digest = self.document_id.removeprefix(SHA256_PREFIX)
        if len(digest) == 64 and all(character in _HEX_DIGITS for character in digest):
            return digest.lower()
        return None

    @property
    def echoed(self) -> str:
        """The id as error messages repeat it (a client's id may be any length)."""
        if len(self.document_id) <= _LONGEST_ID_ECHOED:
            return self.document_id
        return self.document_id[:_LONGEST_ID_ECHOED] + "..."


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The request with its query text; `register` stores a pending APQ registration (call it once the
    document is known to be usable, so the store never keeps text that cannot run)."""

    request: GraphQLRequest
    registration: tuple[str, str] | None = None
    store: ApqStore | None = None
    redis: Redis | None = None
    outcomes: Counter | None = None

    async def register(self) -> None:
        if self.registration is None or self.store is None:
            return
        sha256, query = self.registration
        await self.store.put(sha256, query, self.redis)
        if self.outcomes is not None:
            self.outcomes.labels("registered").inc()


class PersistedQueries:
    """The persisted-query stage: APQ with its store, and the manifest with its safelist."""

    def __init__(
        self,
        *,
        apq_enabled: bool,
        safelist_only: bool,
        manifest: Manifest | None,
        store: ApqStore,
        outcomes: Counter,
    ) -> None:
        if safelist_only and manifest is None:
            raise ValueError("safelist_only needs a manifest")
        self.apq = apq_enabled and not safelist_only
        self.safelist_only = safelist_only
        self.manifest = manifest
        self.store = store
        self._outcomes = outcomes

    @classmethod
    def from_settings(cls, settings: RouterSettings, metrics: RouterMetrics) -> PersistedQueries:
        """Built once per app; reads the manifest now, raising `ManifestInvalid` for a bad one."""
        section = settings.persisted_queries
        return cls(
            apq_enabled=section.apq_enabled,
            safelist_only=section.safelist_only,
            manifest=load_manifest(section.manifest) if section.manifest is not None else None,
            store=ApqStore(
                namespace=settings.redis_namespace,
                ttl_seconds=section.apq_ttl_seconds,
                memory_size=section.apq_cache_size,
            ),
            outcomes=metrics.persisted_queries,
        )

    @property
    def supported(self) -> bool:
        return self.apq or self.manifest is not None

    async def resolve(self, item: GraphQLRequest, redis: Redis | None) -> Resolution:
        """`item` with its query text filled in; raises a `RequestError` for a request that cannot run."""
        reference = self._reference(item)
        if reference is None:
            if item.query and self.safelist_only:
                self._check_safelisted(item.query)
            return Resolution(item)
        if item.query:
            return self._registration(item, item.query, reference, redis)
        query = await self._lookup(reference, redis)
        return Resolution(dataclasses.replace(item, query=query, document_id=None))

    def _count(self, outcome: str) -> None:
        self._outcomes.labels(outcome).inc()

    def _reference(self, item: GraphQLRequest) -> DocumentReference | None:
        extension = item.extensions.get("persistedQuery")
        if item.document_id is None and extension is None:
            return None
        if not self.supported:
            self._count("refused")
            raise PersistedQueryNotSupported()
        if item.document_id is not None:
            return DocumentReference(item.document_id, apq=False)
        if not isinstance(extension, Mapping):
            raise BadRequest("extensions.persistedQuery must be a JSON object")
        version = extension.get("version")
        if version != APQ_VERSION or isinstance(version, bool):
            raise BadRequest("Unsupported persisted query version")
        sha256 = extension.get("sha256Hash")
        if not isinstance(sha256, str) or not sha256:
            raise BadRequest("extensions.persistedQuery.sha256Hash must be a non-empty string")
        return DocumentReference(sha256, apq=True)

    def _check_safelisted(self, query: str) -> None:
        if self.manifest is not None and self.manifest.holds_body(query):
            self._count("hit")
            return
        self._count("refused")
        raise QueryNotInSafelist()

    def _registration(
        self, item: GraphQLRequest, query: str, reference: DocumentReference, redis: Redis | None
    ) -> Resolution:
        if not (reference.apq and self.apq):
            self._count("refused")
            raise CannotSendIdAndBody()
        sha256 = reference.sha256
        if sha256 is None or sha256_hex(query) != sha256:
            self._count("refused")
            raise PersistedQueryHashMismatch()
        return Resolution(item, (sha256, query), self.store, redis, self._outcomes)

    async def _lookup(self, reference: DocumentReference, redis: Redis | None) -> str:
        if self.manifest is not None:
            document = self.manifest.document(reference.document_id)
            if document is not None:
                self._count("hit")
                return document
        sha256 = reference.sha256
        if self.apq and sha256 is not None:
            query = await self.store.get(sha256, redis)
            if query is not None:
                self._count("hit")
                return query
        self._count("miss")
        if self.apq and reference.apq:
            raise PersistedQueryNotFound()
        raise PersistedQueryNotInList(reference.echoed)
