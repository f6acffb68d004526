"""What every resolver can reach: the caller, the request's database session, and app resources."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.fastapi import BaseContext

from subgraphs.common.auth import Caller, KeySet, TokenVerifier
from subgraphs.common.db import RequestSession, SessionFactory
from subgraphs.common.settings import SubgraphSettings


@dataclass(frozen=True)
class AppResources:
    """What lives as long as the app: connection pools and the token verifier."""

    settings: SubgraphSettings
    engine: AsyncEngine
    sessions: SessionFactory
    redis: Redis
    verifier: TokenVerifier


class SubgraphContext(BaseContext):
    """The per-request context; each subgraph extends it with its loaders."""

    def __init__(self, *, resources: AppResources, caller: Caller, request_id: str) -> None:
        super().__init__()
        self.resources = resources
        self.caller = caller
        self.request_id = request_id
        self.db = RequestSession(resources.sessions)


def verifier_from_settings(settings: SubgraphSettings) -> TokenVerifier:
    """A verifier for the configured JWKS; with none configured, every token is refused."""
    if settings.jwt_jwks is not None:
        keys = KeySet.from_jwks(settings.jwt_jwks.get_secret_value())
    elif settings.jwt_jwks_file is not None:
        keys = KeySet.from_jwks(settings.jwt_jwks_file.read_text())
    else:
        keys = KeySet.empty()
    return TokenVerifier(keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
