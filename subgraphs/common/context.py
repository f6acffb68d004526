"""What every resolver can reach: the caller, the request's database session, and app resources."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import Counter
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.fastapi import BaseContext

from observability.tracing import TRACING_OFF, Tracing
from subgraphs.common.auth import Caller, KeySet, KeySource, RemoteKeySet, TokenVerifier
from subgraphs.common.db import RequestSession, SessionFactory
from subgraphs.common.decoded import DecodedByKind
from subgraphs.common.metrics import SubgraphMetrics
from subgraphs.common.revocations import RevocationList
from subgraphs.common.settings import SubgraphSettings


@dataclass(frozen=True)
class AppResources:
    """What lives as long as the app: connection pools and the token verifier."""

    settings: SubgraphSettings
    engine: AsyncEngine
    sessions: SessionFactory
    redis: Redis
    verifier: TokenVerifier
    metrics: SubgraphMetrics | None = None
    tracing: Tracing = TRACING_OFF
    reading_sessions: SessionFactory | None = None
    """Query operations' sessions (`create_reading_session_factory`); without them they use `sessions`."""
    decoded: DecodedByKind = field(default_factory=DecodedByKind)
    """Cached entities decoded by this app, kept by their bytes for the next requests."""


class SubgraphContext(BaseContext):
    """The per-request context; each subgraph extends it with its loaders."""

    def __init__(self, *, resources: AppResources, caller: Caller, request_id: str) -> None:
        super().__init__()
        self.resources = resources
        self.caller = caller
        self.request_id = request_id
        self.db = RequestSession(resources.sessions, resources.reading_sessions)


def key_source_from_settings(settings: SubgraphSettings) -> KeySource:
    """The configured JWKS: inline, from a file, or from the users subgraph's URL; else no key at all."""
    if settings.jwt_jwks is not None:
        return KeySet.from_jwks(settings.jwt_jwks.get_secret_value())
    if settings.jwt_jwks_file is not None:
        return KeySet.from_jwks(settings.jwt_jwks_file.read_text())
    if settings.jwt_jwks_url is not None:
        return RemoteKeySet(settings.jwt_jwks_url, ttl_seconds=settings.jwt_jwks_cache_seconds)
    return KeySet.empty()


def service_key_source_from_settings(settings: SubgraphSettings) -> KeySource:
    """The services' own public keys (inline or from a file), trusted for the `service` role only."""
    if settings.jwt_service_jwks is not None:
        return KeySet.from_jwks(settings.jwt_service_jwks.get_secret_value())
    if settings.jwt_service_jwks_file is not None:
        return KeySet.from_jwks(settings.jwt_service_jwks_file.read_text())
    return KeySet.empty()


def verifier_from_settings(
    settings: SubgraphSettings,
    redis: Redis,
    keys: KeySource | None = None,
    *,
    unknown_revocations: Counter | None = None,
) -> TokenVerifier:
    """A verifier for the configured keys (or `keys`, the users subgraph's own) that also honours
    revocations and the token policy; with no keys, every token fails."""
    return TokenVerifier(
        keys if keys is not None else key_source_from_settings(settings),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        revocations=RevocationList(redis, namespace=settings.cache_namespace),
        fail_closed_roles=frozenset(settings.revocation_fail_closed_roles),
        unknown_revocations=unknown_revocations,
        service_keys=service_key_source_from_settings(settings),
        max_lifetime_seconds=settings.jwt_max_token_lifetime_seconds,
    )
