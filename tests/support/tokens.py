"""Access tokens for tests, minted as the users subgraph mints them (service tokens as the orders
subgraph does); the session's `tokens` fixture (tests/conftest.py) holds one."""

from __future__ import annotations

import uuid

from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey

ISSUER = "gocart-users"
AUDIENCE = "gocart"


class Tokens:
    """Mints access tokens as the users subgraph will (service tokens as the orders subgraph will)."""

    def __init__(self, key: SigningKey, service_key: SigningKey) -> None:
        self.key = key
        self.service_key = service_key

    def for_role(self, role: Role, subject: str | None = None, ttl_seconds: int = 600) -> str:
        key = self.service_key if role is Role.SERVICE else self.key
        return key.mint(
            subject=subject or f"{role}-{uuid.uuid4().hex[:6]}",
            role=role,
            issuer=ISSUER,
            audience=AUDIENCE,
            ttl_seconds=ttl_seconds,
        )

    @property
    def admin(self) -> str:
        return self.for_role(Role.ADMIN, "admin-1")

    @property
    def customer(self) -> str:
        return self.for_role(Role.CUSTOMER, "customer-1")

    @property
    def service(self) -> str:
        return self.for_role(Role.SERVICE, "orders")
