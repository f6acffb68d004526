"""The orders subgraph's client of the products subgraph: prices by the federation protocol, and the
internal stock operations (reserve, release, commit, return), with a service credential.

Every call has a timeout per attempt. The operations used here are all idempotent (reads, and stock
operations keyed by the order id), so a transient failure (timeout, refused connection, 5xx) is retried
a bounded number of times with a doubling backoff. A circuit breaker stops calling a products service
that keeps failing, so checkouts fail fast with UNAVAILABLE instead of piling up.

What a caller sees:
- a record, when products answered;
- `OutOfStockError`, `NotFoundError`, `ConflictError`: products answered no, definitely (nothing held);
- `ProductsUnavailable` (UNAVAILABLE): no answer, so the outcome is unknown; the operation may or may not
  have happened, and repeating it (or undoing it) is safe.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import structlog
from pydantic import BaseModel

from subgraphs.common.auth import Role
from subgraphs.common.errors import ConflictError, NotFoundError, OutOfStockError, UnavailableError
from subgraphs.common.signing import SigningKey
from subgraphs.orders.breaker import BreakerState, CircuitBreaker

log = structlog.get_logger(__name__)

SERVICE_SUBJECT = "orders"
TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id name price currency active deletedAt stock { available } }
  }
}
"""
RESERVE = """
mutation($orderId: ID!, $items: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, items: $items) { orderId status }
}
"""
RELEASE = "mutation($orderId: ID!) { releaseStock(orderId: $orderId) { orderId status } }"
COMMIT = "mutation($orderId: ID!) { commitStock(orderId: $orderId) { orderId status } }"
RETURN = "mutation($orderId: ID!) { returnStock(orderId: $orderId) { orderId status } }"


class ProductsUnavailable(UnavailableError):
    """Products did not answer (down, slow, failing, or the circuit is open): the outcome is unknown."""


class ProductSnapshot(BaseModel):
    """A product as products describes it at checkout: what the order captures."""

    id: uuid.UUID
    name: str
    price: Decimal
    currency: str
    active: bool
    deleted_at: datetime | None
    available: int


@dataclass(frozen=True)
class StockLine:
    product_id: uuid.UUID
    quantity: int


def signing_key_from(pem: str | None, pem_file: Path | None, kid: str | None) -> SigningKey | None:
    """The key that signs the service token, from settings (None: calls go without a credential)."""
    if pem is not None:
        return SigningKey.from_pem(pem.encode(), kid)
    if pem_file is not None:
        return SigningKey.from_pem(pem_file.read_bytes(), kid)
    return None


class ServiceCredential:
    """The bearer token orders presents to products (role `service`), re-minted shortly before expiry."""

    def __init__(self, key: SigningKey | None, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds
        self._token: str | None = None
        self._renew_at = 0.0

    def header(self) -> dict[str, str]:
        if self._key is None:
            return {}
        now = time.monotonic()
        if self._token is None or now >= self._renew_at:
            self._token = self._key.mint(
                subject=SERVICE_SUBJECT,
                role=Role.SERVICE,
                issuer=self._issuer,
                audience=self._audience,
                ttl_seconds=self._ttl,
            )
            self._renew_at = now + self._ttl * 0.8
        return {"Authorization": f"Bearer {self._token}"}


@dataclass(frozen=True)
class RetryPolicy:
    timeout_seconds: float
    retries: int
    backoff_seconds: float


class ProductsClient:
    """One pooled HTTP session to products, owned by the app (closed with `close`)."""

    def __init__(
        self,
        *,
        url: str,
        credential: ServiceCredential,
        policy: RetryPolicy,
        breaker: CircuitBreaker,
        pool_size: int = 50,
    ) -> None:
        self._url = url
        self._credential = credential
        self._policy = policy
        self.breaker = breaker
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                timeout=aiohttp.ClientTimeout(total=self._policy.timeout_seconds),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------ operations

    async def products(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductSnapshot]:
        """Current products by id (unknown ids are left out)."""
        representations = [{"__typename": "Product", "id": str(product_id)} for product_id in ids]
        data = await self._call("entities", ENTITIES, {"representations": representations})
        found: dict[uuid.UUID, ProductSnapshot] = {}
        for entity in data.get("_entities") or []:
            if not entity:
                continue
            snapshot = ProductSnapshot(
                id=entity["id"],
                name=entity["name"],
                price=Decimal(str(entity["price"])),
                currency=entity["currency"],
                active=entity["active"],
                deleted_at=entity["deletedAt"],
                available=entity["stock"]["available"],
            )
            found[snapshot.id] = snapshot
        return found

    async def reserve(self, *, order_id: uuid.UUID, lines: Sequence[StockLine]) -> None:
        items = [{"productId": str(line.product_id), "quantity": line.quantity} for line in lines]
        await self._call("reserveStock", RESERVE, {"orderId": str(order_id), "items": items})

    async def release(self, *, order_id: uuid.UUID) -> None:
        await self._call("releaseStock", RELEASE, {"orderId": str(order_id)})

    async def commit(self, *, order_id: uuid.UUID) -> None:
        await self._call("commitStock", COMMIT, {"orderId": str(order_id)})

    async def return_stock(self, *, order_id: uuid.UUID) -> None:
        """Give back everything the order took: held stock is released, sold stock goes back on hand.

        Needs products' `returnStock(orderId)` (see docs/orders.md); until products has it, this is
        UNAVAILABLE and the task waits.
        """
        await self._call("returnStock", RETURN, {"orderId": str(order_id)})

    # ------------------------------------------------------------ transport

    async def _call(self, operation: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        """POST one operation, with retries of transient failures; returns `data` or raises."""
        attempt = 0
        while True:
            if not self.breaker.allow():
                raise ProductsUnavailable(
                    "The product catalogue is unavailable right now; try again shortly.",
                    reason="circuit_open",
                )
            try:
                body = await self._post(query, variables)
            except _Transient as failure:
                self.breaker.record_failure()
                log.warning(
                    "products.call_failed", operation=operation, attempt=attempt + 1, error=failure.detail
                )
                if attempt >= self._policy.retries or self.breaker.state is BreakerState.OPEN:
                    raise ProductsUnavailable(
                        "The product catalogue is unavailable right now; try again shortly.",
                        reason=failure.reason,
                    ) from None
                await asyncio.sleep(self._policy.backoff_seconds * (2**attempt))
                attempt += 1
                continue
            except BaseException:
                self.breaker.record_failure()
                raise
            self.breaker.record_success()
            return _data_or_raise(operation, body)

    async def _post(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", **self._credential.header()}
        try:
            async with self._http().post(
                self._url, json={"query": query, "variables": dict(variables)}, headers=headers
            ) as response:
                if response.status in TRANSIENT_STATUS:
                    raise _Transient("bad_status", f"HTTP {response.status}")
                body: dict[str, Any] = await response.json(content_type=None)
                return body
        except TimeoutError as error:
            raise _Transient("timeout", "timed out") from error
        except aiohttp.ClientError as error:
            raise _Transient("unreachable", f"{type(error).__name__}: {error}") from error
        except ValueError as error:
            raise _Transient("bad_response", f"not JSON: {error}") from error


class _Transient(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _data_or_raise(operation: str, body: Mapping[str, Any]) -> dict[str, Any]:
    errors = body.get("errors") or []
    if not errors:
        data: dict[str, Any] = body.get("data") or {}
        return data
    first = errors[0]
    extensions = first.get("extensions") or {}
    code = extensions.get("code")
    message = str(first.get("message", ""))
    if code == "OUT_OF_STOCK":
        raise OutOfStockError("Not enough stock for some items.", items=extensions.get("items", []))
    if code == "NOT_FOUND":
        raise NotFoundError(
            "Some products do not exist or are not for sale.", items=extensions.get("items", [])
        )
    if code == "CONFLICT":
        raise ConflictError(message or "Products refused the stock operation.", operation=operation)
    # Anything else (a missing operation, a refused service credential, a bug in products) is not the
    # customer's doing and may be fixed by a deploy: it is an outage as far as orders is concerned.
    log.error("products.call_refused", operation=operation, code=code, message=message)
    raise ProductsUnavailable(
        "The product catalogue is unavailable right now; try again shortly.", reason=f"refused:{code}"
    )
