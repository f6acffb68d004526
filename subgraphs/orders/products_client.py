"""The orders subgraph's client of the products subgraph: prices by the federation protocol, and the
internal stock operations (reserve, release, commit, return), with a service credential.

Every call first takes a slot in the client's bulkhead (`bulkhead.py`): at most so many calls are in
flight, the others wait in line for a bounded time (stock settlements first, new carts last) or are
refused at once as UNAVAILABLE (`queue_full`, `queue_timeout`). Each attempt then has a timeout of its
own, which starts when the call goes out, not while it waits. Checkouts that price while a pricing call
waits for its slot share that call (`coalescing.py`), and a product products just reported short is
refused here for a moment (`shortage_hints.py`), so a burst for a sold-out product costs products
little. The operations used here are all idempotent (reads, and stock operations keyed by the order
id), so a transient failure (timeout, refused connection, 5xx) is retried a bounded number of times with
a doubling backoff. A circuit breaker stops calling a products service that keeps failing, so checkouts
fail fast with UNAVAILABLE instead of piling up.

What a caller sees:
- a record, when products answered;
- `OutOfStockError`, `NotFoundError`, `ConflictError`: products answered no, definitely (nothing held);
  `KnownShortage` (OUT_OF_STOCK) when products said so a moment ago;
- `ProductsNotCalled` (UNAVAILABLE): refused before anything was sent, so nothing happened;
- `ProductsUnavailable` (UNAVAILABLE): no answer, so the outcome is unknown; the operation may or may not
  have happened, and repeating it (or undoing it) is safe. A reservation refused only after an earlier
  attempt of it got no answer is also unknown: that attempt may still reach products and hold stock.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import aiohttp
import structlog

from observability.instrumentation import client_trace_configs
from observability.request_context import REQUEST_ID_HEADER, current_request_id
from observability.tracing import TRACING_OFF, Tracing
from subgraphs.common.errors import (
    DomainError,
    OutOfStockError,
)
from subgraphs.orders.breaker import BreakerState, CircuitBreaker
from subgraphs.orders.bulkhead import Bulkhead, Overloaded, Priority
from subgraphs.orders.coalescing import Batch, Coalescer
from subgraphs.orders.products_answers import (
    UNAVAILABLE_MESSAGE,
    KnownShortage,
    ProductSnapshot,
    ProductsNotCalled,
    ProductsUnavailable,
    StockLine,
    data_or_raise,
    snapshot_of,
)
from subgraphs.orders.service_credential import ServiceCredential
from subgraphs.orders.shortage_hints import ShortageHints

log = structlog.get_logger(__name__)

MAX_PRICED_PER_CALL = 100  # products per `_entities` call (a cart has at most 100 lines)
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


@dataclass(frozen=True)
class RetryPolicy:
    timeout_seconds: float
    retries: int
    backoff_seconds: float


def _no_count(reason: str) -> None:  # noqa: ARG001  (the default: nothing counts refusals)
    return None


class ProductsClient:
    """One pooled HTTP session to products, owned by the app (closed with `close`).

    `on_refused(reason)` is told of every call refused without being sent (`circuit_open`,
    `queue_full`, `queue_timeout`), for the metrics.
    """

    def __init__(
        self,
        *,
        url: str,
        credential: ServiceCredential,
        policy: RetryPolicy,
        breaker: CircuitBreaker,
        bulkhead: Bulkhead,
        shortages: ShortageHints,
        pool_size: int = 50,
        on_refused: Callable[[str], None] = _no_count,
        tracing: Tracing = TRACING_OFF,
    ) -> None:
        self._url = url
        self._tracing = tracing
        self._credential = credential
        self._policy = policy
        self.breaker = breaker
        self.bulkhead = bulkhead
        self._pool_size = pool_size
        self._on_refused = on_refused
        self._session: aiohttp.ClientSession | None = None
        self._pricing = Coalescer(self._fetch_products, max_keys=MAX_PRICED_PER_CALL)
        self.shortages = shortages

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                # Never fewer connections than slots: a call in a slot never waits for a connection,
                # so its timeout measures products alone.
                connector=aiohttp.TCPConnector(limit=max(self._pool_size, self.bulkhead.limit)),
                timeout=aiohttp.ClientTimeout(total=self._policy.timeout_seconds),
                trace_configs=client_trace_configs(self._tracing) or None,  # `traceparent` on each call
            )
        return self._session

    async def close(self) -> None:
        await self._pricing.close()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------ operations

    async def products(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductSnapshot]:
        """Current products by id (unknown ids are left out). Concurrent checkouts share the call:
        whoever asks while one waits for its slot joins it (`coalescing.py`). The shared call runs
        outside any request, so the request's trace shows the wait for it, as a coalesced call."""
        attributes: dict[str, str | bool] = {
            "gocart.products.operation": "entities",
            "gocart.products.coalesced": True,
        }
        with self._tracing.span("products.call", attributes):
            return await self._pricing.load(ids)

    async def _fetch_products(self, batch: Batch[uuid.UUID]) -> dict[uuid.UUID, ProductSnapshot]:
        variables: dict[str, Any] = {}

        def seal() -> None:  # the batch takes callers until the call goes out
            variables["representations"] = [{"__typename": "Product", "id": str(pid)} for pid in batch.seal()]

        data = await self._call("entities", ENTITIES, variables, priority=Priority.PRICE, before_send=seal)
        found: dict[uuid.UUID, ProductSnapshot] = {}
        for entity in data.get("_entities") or []:
            if not entity:
                continue
            snapshot = snapshot_of(entity)
            found[snapshot.id] = snapshot
        return found

    async def reserve(self, *, order_id: uuid.UUID, lines: Sequence[StockLine]) -> None:
        """Hold stock for the order. OUT_OF_STOCK without a call when products said so a moment ago
        (`shortage_hints.py`); checked again when the call's turn in the bulkhead comes."""
        items = [{"productId": str(line.product_id), "quantity": line.quantity} for line in lines]
        try:
            await self._call(
                "reserveStock",
                RESERVE,
                {"orderId": str(order_id), "items": items},
                priority=Priority.RESERVE,
                takes_stock=True,
                before_send=lambda: self.refuse_known_shortages(lines),
            )
        except KnownShortage:
            raise
        except OutOfStockError as refusal:
            self.shortages.remember(refusal.extensions.get("items") or [])
            raise

    def refuse_known_shortages(self, lines: Sequence[StockLine]) -> None:
        """Raise `KnownShortage` (OUT_OF_STOCK) if products said a moment ago it cannot cover a line."""
        short = self.shortages.shortages(lines)
        if short:
            raise KnownShortage("Not enough stock for some items.", items=short)

    async def release(self, *, order_id: uuid.UUID) -> None:
        await self._call("releaseStock", RELEASE, {"orderId": str(order_id)}, priority=Priority.SETTLE)

    async def commit(self, *, order_id: uuid.UUID) -> None:
        await self._call("commitStock", COMMIT, {"orderId": str(order_id)}, priority=Priority.SETTLE)

    async def return_stock(self, *, order_id: uuid.UUID) -> None:
        """Give back everything the order took: held stock is released, sold stock goes back on hand.

        Needs products' `returnStock(orderId)` (see docs/orders.md); until products has it, this is
        UNAVAILABLE and the task waits.
        """
        await self._call("returnStock", RETURN, {"orderId": str(order_id)}, priority=Priority.SETTLE)

    # ------------------------------------------------------------ transport

    async def _call(
        self,
        operation: str,
        query: str,
        variables: Mapping[str, Any],
        *,
        priority: Priority,
        takes_stock: bool = False,
        before_send: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """POST one operation, with retries of transient failures; returns `data` or raises.

        `before_send` runs when the first attempt has its slot, just before it goes out (it may still
        fill in `variables`); what it raises is raised instead. With `takes_stock` (reserving), a
        refusal that follows an unanswered attempt is no definite no: that attempt may still arrive and
        hold stock, so the outcome is reported unknown (UNAVAILABLE, `outcome_unknown`) and the caller
        owes a release.
        """
        with self._tracing.span("products.call", {"gocart.products.operation": operation}):
            return await self._call_with_retries(
                operation,
                query,
                variables,
                priority=priority,
                takes_stock=takes_stock,
                before_send=before_send,
            )

    async def _call_with_retries(
        self,
        operation: str,
        query: str,
        variables: Mapping[str, Any],
        *,
        priority: Priority,
        takes_stock: bool,
        before_send: Callable[[], None] | None,
    ) -> dict[str, Any]:
        attempt = 0
        while True:
            body = await self._attempt(
                operation, query, variables, priority, attempt, before_send if attempt == 0 else None
            )
            if isinstance(body, _Transient):
                if attempt >= self._policy.retries or self.breaker.state is BreakerState.OPEN:
                    raise ProductsUnavailable(UNAVAILABLE_MESSAGE, reason=body.reason)
                await asyncio.sleep(self._policy.backoff_seconds * (2**attempt))
                attempt += 1
                continue
            try:
                return data_or_raise(operation, body)
            except DomainError as refusal:
                if attempt > 0 and takes_stock and not isinstance(refusal, ProductsUnavailable):
                    log.warning("products.refused_after_lost_attempt", operation=operation, code=refusal.code)
                    raise ProductsUnavailable(UNAVAILABLE_MESSAGE, reason="outcome_unknown") from None
                raise

    async def _attempt(
        self,
        operation: str,
        query: str,
        variables: Mapping[str, Any],
        priority: Priority,
        attempt: int,
        before_send: Callable[[], None] | None,
    ) -> dict[str, Any] | _Transient:
        """One attempt in a bulkhead slot: the answer's body, or the transient failure it met.

        An attempt refused before it is sent (open circuit, no slot) raises UNAVAILABLE at once, not
        retried: `ProductsNotCalled` when it was the first (products never heard of the operation).
        """
        if self.breaker.state is BreakerState.OPEN:
            self._refuse("circuit_open", attempt)
        try:
            async with self.bulkhead.slot(priority):
                if before_send is not None:
                    before_send()
                if not self.breaker.allow():  # half-open: only one trial call at a time
                    self._refuse("circuit_open", attempt)
                try:
                    body = await self._post(query, variables)
                except _Transient as failure:
                    self.breaker.record_failure()
                    log.warning(
                        "products.call_failed", operation=operation, attempt=attempt + 1, error=failure.detail
                    )
                    return failure
                except BaseException:
                    self.breaker.record_failure()
                    raise
        except Overloaded as overload:
            self._refuse(overload.reason, attempt)
        self.breaker.record_success()
        return body

    def _refuse(self, reason: str, attempt: int) -> NoReturn:
        self._on_refused(reason)
        if attempt == 0:
            raise ProductsNotCalled(UNAVAILABLE_MESSAGE, reason=reason)
        raise ProductsUnavailable(UNAVAILABLE_MESSAGE, reason=reason)

    async def _post(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", **self._credential.header()}
        # The id of the request this call serves, so products logs it too; a coalesced pricing call
        # serves several requests and runs in a context of its own, so it goes without (products makes
        # one).
        request_id = current_request_id()
        if request_id is not None:
            headers[REQUEST_ID_HEADER] = request_id
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
