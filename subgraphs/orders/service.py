"""The orders subgraph's use cases: checkout, cancel, status changes, reading; who may do what.

Every write checks the caller's role first, commits, then drops what it changed from the cache.

Checkout is a short saga across two services (see docs/orders.md). The order id is the reservation id
in products, so every stock operation is idempotent and safe to repeat. Each step leaves either no order
or an order in a state that says what products still owes it, written durably in `stock_tasks` in the
same transaction as the order change; the task runs at once and, if products is unreachable, again
later (`run_due_stock_tasks`) until products has answered.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Principal, Role, require_role
from subgraphs.common.errors import (
    BadUserInputError,
    ConflictError,
    DomainError,
    ForbiddenError,
    IllegalTransitionError,
    NotFoundError,
    OutOfStockError,
)
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.orders import events, repository
from subgraphs.orders.caches import OrderCaches
from subgraphs.orders.events import OrderEvent
from subgraphs.orders.models import (
    OrderItemRecord,
    OrderRecord,
    OrderStatus,
    PaymentFailure,
    PaymentMethod,
    PaymentStatus,
    StockAction,
    StockTaskRecord,
    utc_now,
)
from subgraphs.orders.payments import PaymentSimulator, parse_card
from subgraphs.orders.products_answers import ProductsNotCalled, ProductsUnavailable, StockLine
from subgraphs.orders.products_client import ProductsClient
from subgraphs.orders.search import CustomerPage, OrderKey, OrderSearch

log = structlog.get_logger(__name__)

MAX_QUANTITY = 1000
MAX_LINES = 100
MAX_KEY_LENGTH = 200
MAX_NOTE_LENGTH = 500
MAX_TASK_DELAY_SECONDS = 300
STOCK_TASK_LEASE_SECONDS = 60  # how long a claimed stock task is left to the worker that claimed it
INSERT_ATTEMPTS = 3
SYSTEM_ACTOR = "system"

STAFF = (Role.ADMIN,)
READERS = (Role.CUSTOMER, Role.ADMIN, Role.SERVICE)

# The state machine: which status may follow which. Everything else is refused.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.PAYMENT_FAILED: frozenset(),
}
ADMIN_TARGETS = frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED})


@dataclass(frozen=True)
class Refunds:
    """What cancelling a paid order products can no longer sell needs (`run_stock_task`): the payment
    processor to refund it, and the cache to drop it from."""

    payments: PaymentSimulator
    caches: OrderCaches


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    allowed = TRANSITIONS[current]
    if target not in allowed:
        raise IllegalTransitionError(
            f"An order that is {current.name} cannot become {target.name}.",
            currentStatus=current.name,
            requestedStatus=target.name,
            allowedStatuses=sorted(status.name for status in allowed),
        )


# ---------------------------------------------------------------- input rules


@dataclass(frozen=True)
class CheckoutRequest:
    """What a customer asks `placeOrder` for, as parsed by the resolver."""

    lines: Sequence[tuple[uuid.UUID, int]]
    payment_method: PaymentMethod
    card_number: str
    idempotency_key: str


def merge_lines(lines: Sequence[tuple[uuid.UUID, int]]) -> list[StockLine]:
    """One line per product (quantities added), in product-id order, each within bounds."""
    if not lines:
        raise BadUserInputError("An order needs at least one item.", field="items")
    if len(lines) > MAX_LINES:
        raise BadUserInputError(f"An order has at most {MAX_LINES} lines.", field="items")
    merged: dict[uuid.UUID, int] = {}
    for product_id, quantity in lines:
        if quantity <= 0 or quantity > MAX_QUANTITY:
            raise BadUserInputError(f"quantity must be between 1 and {MAX_QUANTITY}.", field="quantity")
        merged[product_id] = merged.get(product_id, 0) + quantity
    for product_id, quantity in merged.items():
        if quantity > MAX_QUANTITY:
            raise BadUserInputError(
                f"At most {MAX_QUANTITY} of one product per order.",
                field="quantity",
                productId=str(product_id),
            )
    return [StockLine(product_id=pid, quantity=qty) for pid, qty in sorted(merged.items())]


def _idempotency_key(value: str) -> str:
    key = value.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadUserInputError(
            f"idempotencyKey must be 1 to {MAX_KEY_LENGTH} characters.", field="idempotencyKey"
        )
    return key


def _note(value: str | None, field: str) -> str:
    note = (value or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise BadUserInputError(f"{field} must be at most {MAX_NOTE_LENGTH} characters.", field=field)
    return note


def _fingerprint(lines: Sequence[StockLine], method: PaymentMethod, card_last4: str) -> str:
    """What makes two requests with one idempotency key the same checkout (never the full card)."""
    payload = {
        "lines": [[str(line.product_id), line.quantity] for line in lines],
        "payment": [method.value, card_last4],
    }
    return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()


def _replay(existing: OrderRecord, fingerprint: str) -> OrderRecord:
    if existing.request_hash != fingerprint:
        raise ConflictError(
            "This idempotency key was already used for a different order.", field="idempotencyKey"
        )
    return existing


# ---------------------------------------------------------------- reading


def _principal(caller: Caller) -> Principal | None:
    return caller if isinstance(caller, Principal) and caller.is_authenticated else None


def can_see(caller: Caller, order: OrderRecord | None) -> bool:
    """An order is seen by its customer, admins and services; for anyone else it does not exist."""
    principal = _principal(caller)
    if order is None or principal is None:
        return False
    return principal.role in (Role.ADMIN, Role.SERVICE) or principal.subject == order.customer_id


def check_reader(caller: Caller) -> Principal:
    return require_role(caller, *READERS)


@dataclass(frozen=True)
class OrderPage:
    """Order ids of one page, newest first, each with its cursor; load them through the loader."""

    items: list[tuple[uuid.UUID, str]]
    has_next_page: bool
    has_previous_page: bool


def encode_order_cursor(key: OrderKey) -> str:
    created_at, order_id = key
    return encode_cursor({"t": created_at.isoformat(), "i": str(order_id)})


def decode_order_cursor(cursor: str) -> OrderKey:
    position = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(position["t"]), uuid.UUID(str(position["i"]))
    except (KeyError, TypeError, ValueError) as error:
        raise invalid_cursor() from error


def _order_page(keys: Sequence[OrderKey], size: int, *, after: bool) -> OrderPage:
    """The page of up to `size + 1` keys read (the extra one only says a next page exists)."""
    return OrderPage(
        items=[(order_id, encode_order_cursor((created, order_id))) for created, order_id in keys[:size]],
        has_next_page=len(keys) > size,
        has_previous_page=after,
    )


async def _page(
    session: AsyncSession, search: OrderSearch, first: int | None, after: str | None
) -> OrderPage:
    size = page_size(first)
    position = decode_order_cursor(after) if after else None
    keys = await repository.search_order_ids(session=session, search=search, limit=size + 1, after=position)
    return _order_page(keys, size, after=after is not None)


async def list_orders(
    *, session: AsyncSession, caller: Caller, search: OrderSearch, first: int | None, after: str | None
) -> OrderPage:
    """Admins: every order, filtered by status, customer and creation time."""
    require_role(caller, *STAFF)
    if search.created_after and search.created_before and search.created_after >= search.created_before:
        raise BadUserInputError("createdAfter must be before createdBefore.", field="createdAfter")
    return await _page(session, search, first, after)


def customer_page(
    *, caller: Caller, customer_id: str, status: OrderStatus | None, first: int | None, after: str | None
) -> CustomerPage:
    """A user's orders, newest first, are for that user, admins and services: the page asked for, checked
    (read it with `customer_pages`, through the request's loader)."""
    principal = check_reader(caller)
    if principal.role is Role.CUSTOMER and principal.subject != customer_id:
        raise ForbiddenError("You may only see your own orders.")
    size = page_size(first)
    position = decode_order_cursor(after) if after else None
    return CustomerPage(
        customer_id=customer_id, status=status, size=size, after=position, cursor_given=after is not None
    )


async def customer_pages(*, session: AsyncSession, pages: Sequence[CustomerPage]) -> list[OrderPage]:
    """Checked pages of many users' orders, read in one query, in the order asked."""
    keys = await repository.customer_order_keys(session=session, pages=pages)
    return [
        _order_page(found, page.size, after=page.cursor_given)
        for page, found in zip(pages, keys, strict=True)
    ]


# ---------------------------------------------------------------- checkout


async def place_order(
    *,
    session: AsyncSession,
    caches: OrderCaches,
    products: ProductsClient,
    payments: PaymentSimulator,
    caller: Caller,
    request: CheckoutRequest,
) -> OrderRecord:
    """Turn a cart into an order: price it, hold the stock, charge, then sell the stock or give it back.

    The same idempotency key (per customer) with the same cart and card returns the same order and
    never charges again; with another cart or card it is a CONFLICT. Outcomes:
    - a PAID order (payment succeeded; its held stock is sold, now or by the stock task);
    - a PAYMENT_FAILED order with `payment.failureReason` (its held stock is given back);
    - an error and no order: BAD_USER_INPUT, NOT_FOUND, OUT_OF_STOCK, or UNAVAILABLE when products did
      not answer (then any stock it may have held is released, durably).
    """
    principal = require_role(caller, Role.CUSTOMER)
    customer_id = str(principal.subject)
    lines = merge_lines(request.lines)
    key = _idempotency_key(request.idempotency_key)
    card = parse_card(request.payment_method, request.card_number)
    fingerprint = _fingerprint(lines, request.payment_method, card.last4)

    existing = await repository.find_by_idempotency_key(session=session, customer_id=customer_id, key=key)
    await session.rollback()  # no transaction stays open while products is called
    if existing is not None:
        return _replay(existing, fingerprint)

    snapshots = await products.products([line.product_id for line in lines])
    items = _price(lines, snapshots)
    products.refuse_known_shortages(lines)  # products said so a moment ago: OUT_OF_STOCK, nothing written
    currency = snapshots[lines[0].product_id].currency
    subtotal = sum((item.line_total for item in items), Decimal("0.00"))

    order_id = uuid.uuid4()
    values = {
        "customer_id": customer_id,
        "idempotency_key": key,
        "request_hash": fingerprint,
        "currency": currency,
        "subtotal": subtotal,
        "total": subtotal,
        "payment_method": request.payment_method.value,
        "card_last4": card.last4,
    }
    # Under a burst the wait for a database connection is the longest: once this checkout has one, a
    # shortage products reported meanwhile still refuses it before anything is written.
    await session.connection()
    try:
        products.refuse_known_shortages(lines)
    except DomainError:
        await session.rollback()
        raise
    for _ in range(INSERT_ATTEMPTS):
        created = await repository.insert_order(
            session=session, order_id=order_id, values=values, items=items, actor=customer_id
        )
        await session.commit()
        if created:
            break
        # A concurrent request with the same key got there first: answer with its order. If that
        # checkout failed meanwhile (its order is gone), the key is free again: try once more.
        twin = await repository.find_by_idempotency_key(session=session, customer_id=customer_id, key=key)
        await session.rollback()
        if twin is not None:
            return _replay(twin, fingerprint)
    else:
        raise ConflictError("Another checkout with this idempotency key is in progress; try again.")

    try:
        await products.reserve(order_id=order_id, lines=lines)
    except ProductsNotCalled:
        # Refused before it was sent (overloaded, circuit open): products holds nothing.
        await _forget_checkout(session, caches, order_id, owe_release=False)
        raise
    except ProductsUnavailable:
        # Unknown whether products holds stock for this order (an attempt got no answer and may still
        # arrive): forget the order and owe a release, in one transaction, tried at once. Products
        # records the release even for an order it never saw, so a late attempt is refused there.
        await _forget_checkout(session, caches, order_id, owe_release=True)
        await _run_task_now(session, products, order_id, Refunds(payments, caches))
        raise
    except DomainError:
        # A definite no (OUT_OF_STOCK, NOT_FOUND, CONFLICT): products holds nothing for this order.
        await _forget_checkout(session, caches, order_id, owe_release=False)
        raise

    outcome = await payments.charge(order_id=order_id, amount=subtotal, currency=currency, card=card)
    if outcome.succeeded:
        moved = await repository.transition(
            session=session,
            order_id=order_id,
            from_status=OrderStatus.PENDING,
            to_status=OrderStatus.PAID,
            actor=SYSTEM_ACTOR,
            note="payment succeeded",
            changes={
                "payment_status": PaymentStatus.SUCCEEDED.value,
                "transaction_id": outcome.transaction_id,
            },
        )
        action = StockAction.COMMIT
    else:
        failure = outcome.failure or PaymentFailure.PROCESSOR_ERROR
        moved = await repository.transition(
            session=session,
            order_id=order_id,
            from_status=OrderStatus.PENDING,
            to_status=OrderStatus.PAYMENT_FAILED,
            actor=SYSTEM_ACTOR,
            note=f"payment failed: {failure.name}",
            changes={
                "payment_status": PaymentStatus.FAILED.value,
                "transaction_id": outcome.transaction_id,
                "failure_reason": failure.value,
            },
        )
        action = StockAction.RELEASE
    if moved:
        await repository.put_stock_task(session=session, order_id=order_id, action=action)
        # Placed once its stock is held: a checkout refused before that leaves no order and no event.
        await events.order_placed(
            session,
            order_id=order_id,
            customer_id=customer_id,
            currency=currency,
            total=subtotal,
            items=items,
        )
        if outcome.succeeded:
            await events.emit(
                session,
                OrderEvent.PAID,
                order_id=order_id,
                customer_id=customer_id,
                currency=currency,
                total=subtotal,
                transaction_id=outcome.transaction_id,
            )
        else:
            await events.emit(
                session,
                OrderEvent.PAYMENT_FAILED,
                order_id=order_id,
                customer_id=customer_id,
                reason=(outcome.failure or PaymentFailure.PROCESSOR_ERROR).value,
            )
    elif outcome.succeeded:
        # Someone (the stale-checkout sweep) cancelled the order meanwhile: the charge is refunded.
        refund_id = await payments.refund(
            order_id=order_id, transaction_id=outcome.transaction_id, amount=subtotal, currency=currency
        )
        await repository.record_refund(
            session=session, order_id=order_id, transaction_id=outcome.transaction_id, refund_id=refund_id
        )
    await session.commit()
    await caches.forget_orders([order_id])
    await _run_task_now(session, products, order_id, Refunds(payments, caches))
    return await _reread(session, order_id)


async def _forget_checkout(
    session: AsyncSession, caches: OrderCaches, order_id: uuid.UUID, *, owe_release: bool
) -> None:
    """Delete a checkout that did not get its stock; with `owe_release` (products may hold some all the
    same), a release is owed in the same transaction."""
    await repository.delete_order(session=session, order_id=order_id)
    if owe_release:
        await repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RELEASE)
    await session.commit()
    await caches.forget_orders([order_id])


def _price(lines: Sequence[StockLine], snapshots: dict[uuid.UUID, Any]) -> list[OrderItemRecord]:
    """The order's lines at today's prices; NOT_FOUND for products that are unknown or not for sale."""
    missing = [
        {"productId": str(line.product_id), "requested": line.quantity, "available": None}
        for line in lines
        if (snapshot := snapshots.get(line.product_id)) is None
        or not snapshot.active
        or snapshot.deleted_at is not None
    ]
    if missing:
        raise NotFoundError("Some products do not exist or are not for sale.", items=missing)
    currencies = {snapshots[line.product_id].currency for line in lines}
    if len(currencies) > 1:
        raise BadUserInputError("All items of an order must be priced in one currency.", field="items")
    items: list[OrderItemRecord] = []
    for line in lines:
        snapshot = snapshots[line.product_id]
        unit_price = Decimal(snapshot.price).quantize(Decimal("0.01"))
        items.append(
            OrderItemRecord(
                product_id=line.product_id,
                product_name=snapshot.name,
                quantity=line.quantity,
                unit_price=unit_price,
                line_total=(unit_price * line.quantity).quantize(Decimal("0.01")),
            )
        )
    return items


# ---------------------------------------------------------------- after checkout


async def _load_for_change(session: AsyncSession, caller: Caller, order_id: uuid.UUID) -> OrderRecord:
    order = await repository.lock_order(session=session, order_id=order_id)
    if order is None or not can_see(caller, order):
        await session.rollback()
        raise NotFoundError("There is no such order.", orderId=str(order_id))
    return order


async def cancel_order(
    *,
    session: AsyncSession,
    caches: OrderCaches,
    products: ProductsClient,
    payments: PaymentSimulator,
    caller: Caller,
    order_id: uuid.UUID,
    reason: str | None,
) -> OrderRecord:
    """Cancel a paid order before it ships (its customer or an admin): the payment is refunded
    (simulated) and products is owed the stock back."""
    principal = require_role(caller, Role.CUSTOMER, *STAFF)
    note = _note(reason, "reason") or "cancelled"
    order = await _load_for_change(session, principal, order_id)
    if order.status is OrderStatus.PENDING:
        await session.rollback()
        raise ConflictError("The order is still being placed; try again in a moment.", orderId=str(order_id))
    try:
        check_transition(order.status, OrderStatus.CANCELLED)
    except IllegalTransitionError:
        await session.rollback()
        raise
    changes: dict[str, Any] = {}
    if order.payment.status is PaymentStatus.SUCCEEDED and order.payment.transaction_id:
        refund_id = await payments.refund(
            order_id=order_id,
            transaction_id=order.payment.transaction_id,
            amount=order.total,
            currency=order.currency,
        )
        changes = {"payment_status": PaymentStatus.REFUNDED.value, "refund_id": refund_id}
    moved = await repository.transition(
        session=session,
        order_id=order_id,
        from_status=order.status,
        to_status=OrderStatus.CANCELLED,
        actor=principal.subject,
        note=note,
        changes=changes,
    )
    if not moved:  # cannot happen while the row is locked; refuse rather than keep half a cancel
        await session.rollback()
        raise ConflictError(
            "The order changed while it was being cancelled; try again.", orderId=str(order_id)
        )
    await repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RETURN)
    await events.order_cancelled(
        session,
        order_id=order_id,
        customer_id=order.customer_id,
        reason=note,
        refunded=bool(changes),
        stock_action=StockAction.RETURN,
    )
    await session.commit()
    await caches.forget_orders([order_id])
    await _run_task_now(session, products, order_id, Refunds(payments, caches))
    return await _reread(session, order_id)


async def update_order_status(
    *,
    session: AsyncSession,
    caches: OrderCaches,
    caller: Caller,
    order_id: uuid.UUID,
    status: OrderStatus,
    note: str | None,
) -> OrderRecord:
    """Admins: move a paid order along fulfilment (SHIPPED, then DELIVERED)."""
    principal = require_role(caller, *STAFF)
    if status not in ADMIN_TARGETS:
        raise BadUserInputError(
            "updateOrderStatus sets SHIPPED or DELIVERED; use cancelOrder to cancel.", field="status"
        )
    clean_note = _note(note, "note")
    order = await _load_for_change(session, principal, order_id)
    try:
        check_transition(order.status, status)
    except IllegalTransitionError:
        await session.rollback()
        raise
    await repository.transition(
        session=session,
        order_id=order_id,
        from_status=order.status,
        to_status=status,
        actor=principal.subject,
        note=clean_note,
    )
    await events.emit(
        session,
        OrderEvent.SHIPPED if status is OrderStatus.SHIPPED else OrderEvent.DELIVERED,
        order_id=order_id,
        customer_id=order.customer_id,
        note=clean_note,
    )
    await session.commit()
    await caches.forget_orders([order_id])
    return await _reread(session, order_id)


async def _reread(session: AsyncSession, order_id: uuid.UUID) -> OrderRecord:
    """The order as this request just committed it (gone only if deleted since, which is NOT_FOUND)."""
    order = await repository.get_order(session=session, order_id=order_id)
    await session.rollback()
    if order is None:
        raise NotFoundError("There is no such order.", orderId=str(order_id))
    return order


# ---------------------------------------------------------------- stock tasks


async def _perform(products: ProductsClient, task: StockTaskRecord) -> None:
    if task.action is StockAction.COMMIT:
        await products.commit(order_id=task.order_id)
    elif task.action is StockAction.RELEASE:
        await products.release(order_id=task.order_id)
    else:
        await products.return_stock(order_id=task.order_id)


async def run_stock_task(
    *,
    session: AsyncSession,
    products: ProductsClient,
    task: StockTaskRecord,
    refunds: Refunds | None = None,
) -> bool:
    """Ask products to do what it owes the order; True when done. A failure to reach products keeps
    the task for a later attempt (with a growing delay); a definite refusal ends it, logged. A sale
    refused OUT_OF_STOCK (the order's reservation expired in products and its stock went elsewhere)
    cancels the order and refunds it, given `refunds`: no order stays PAID without its stock."""
    try:
        await _perform(products, task)
    except OutOfStockError as error:
        if task.action is not StockAction.COMMIT or refunds is None:
            return await _refused(session, task, error)
        await _cancel_unsold(session, refunds, task.order_id)
        return False
    except ProductsUnavailable as error:
        delay = timedelta(seconds=min(MAX_TASK_DELAY_SECONDS, 2 ** min(task.attempts, 16)))
        await repository.postpone_stock_task(
            session=session,
            order_id=task.order_id,
            action=task.action,
            error=error.message + f" ({error.extensions.get('reason')})",
            delay=delay,
            give_up=False,
        )
        await session.commit()
        return False
    except DomainError as error:
        return await _refused(session, task, error)
    await repository.finish_stock_task(session=session, order_id=task.order_id, action=task.action)
    await session.commit()
    return True


async def _refused(session: AsyncSession, task: StockTaskRecord, error: DomainError) -> bool:
    """End a task products definitely refused, keeping the error (logged)."""
    log.error(
        "orders.stock_task_refused",
        order_id=str(task.order_id),
        action=task.action.value,
        code=error.code,
        error=error.message,
    )
    await repository.postpone_stock_task(
        session=session,
        order_id=task.order_id,
        action=task.action,
        error=f"{error.code}: {error.message}",
        delay=timedelta(0),
        give_up=True,
    )
    await session.commit()
    return False


UNSOLD_NOTE = "stock no longer available"


async def _cancel_unsold(session: AsyncSession, refunds: Refunds, order_id: uuid.UUID) -> None:
    """Cancel a PAID order products cannot sell any more, refunding its payment; its sale task becomes
    a release (products holds nothing for it: releasing an expired reservation changes nothing)."""
    order = await repository.lock_order(session=session, order_id=order_id)
    if order is None or order.status is not OrderStatus.PAID:
        await session.rollback()
        return
    changes: dict[str, Any] = {}
    if order.payment.status is PaymentStatus.SUCCEEDED and order.payment.transaction_id:
        refund_id = await refunds.payments.refund(
            order_id=order_id,
            transaction_id=order.payment.transaction_id,
            amount=order.total,
            currency=order.currency,
        )
        changes = {"payment_status": PaymentStatus.REFUNDED.value, "refund_id": refund_id}
    await repository.transition(
        session=session,
        order_id=order_id,
        from_status=OrderStatus.PAID,
        to_status=OrderStatus.CANCELLED,
        actor=SYSTEM_ACTOR,
        note=UNSOLD_NOTE,
        changes=changes,
    )
    await repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RELEASE)
    await events.order_cancelled(
        session,
        order_id=order_id,
        customer_id=order.customer_id,
        reason=UNSOLD_NOTE,
        refunded=bool(changes),
        stock_action=StockAction.RELEASE,
    )
    await session.commit()
    await refunds.caches.forget_orders([order_id])
    log.warning("orders.cancelled_unsold", order_id=str(order_id), refunded=bool(changes))


async def _run_task_now(
    session: AsyncSession, products: ProductsClient, order_id: uuid.UUID, refunds: Refunds
) -> None:
    """Run the order's stock task right after the commit that wrote it; it stays queued on failure."""
    task = await repository.get_stock_task(session=session, order_id=order_id)
    await session.rollback()
    if task is not None:
        await run_stock_task(session=session, products=products, task=task, refunds=refunds)


async def run_due_stock_tasks(
    *,
    session: AsyncSession,
    products: ProductsClient,
    now: datetime | None = None,
    limit: int = 100,
    refunds: Refunds | None = None,
) -> int:
    """Retry the stock tasks that are due (by `now`) and that no other replica is running; how many
    were done. With `refunds`, a sale products can no longer make cancels and refunds its order."""
    tasks = await repository.claim_due_stock_tasks(
        session=session, now=now or utc_now(), limit=limit, lease=timedelta(seconds=STOCK_TASK_LEASE_SECONDS)
    )
    await session.commit()
    done = 0
    for task in tasks:
        done += await run_stock_task(session=session, products=products, task=task, refunds=refunds)
    return done


async def fail_stale_checkouts(
    *, session: AsyncSession, caches: OrderCaches, older_than: timedelta, limit: int = 100
) -> list[uuid.UUID]:
    """Cancel checkouts left PENDING (the process died mid-checkout); their stock is owed back."""
    customer_ids = await repository.stale_pending_orders(
        session=session, older_than=utc_now() - older_than, limit=limit
    )
    cancelled: list[uuid.UUID] = []
    for order_id in customer_ids:
        moved = await repository.transition(
            session=session,
            order_id=order_id,
            from_status=OrderStatus.PENDING,
            to_status=OrderStatus.CANCELLED,
            actor=SYSTEM_ACTOR,
            note="checkout interrupted",
            changes={"payment_status": PaymentStatus.FAILED.value},
        )
        if moved:
            await repository.put_stock_task(session=session, order_id=order_id, action=StockAction.RELEASE)
            await events.order_cancelled(
                session,
                order_id=order_id,
                customer_id=customer_ids[order_id],
                reason="checkout interrupted",
                refunded=False,
                stock_action=StockAction.RELEASE,
            )
            cancelled.append(order_id)
    await session.commit()
    await caches.forget_orders(cancelled)
    return cancelled
