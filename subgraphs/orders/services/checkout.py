"""Checkout: a cart becomes an order, as a short saga across two services (see docs/orders.md).

`place_order` reads as its steps: replay an earlier checkout under the same key, price the cart, claim
the idempotency key (the PENDING order), reserve its stock, charge the card, settle the outcome. The
order id is the reservation id in products, so every stock operation is idempotent and safe to repeat.
Each step leaves either no order or an order in a state that says what products still owes it, written
durably in `stock_tasks` in the same transaction as the order change.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from subgraphs.common.auth import Role, require_role
from subgraphs.common.errors import BadUserInputError, ConflictError, DomainError, NotFoundError
from subgraphs.orders import events, repository
from subgraphs.orders.deps import OrdersDeps
from subgraphs.orders.events import OrderEvent
from subgraphs.orders.models import (
    OrderItemRecord,
    OrderRecord,
    OrderStatus,
    PaymentFailure,
    PaymentStatus,
    StockAction,
)
from subgraphs.orders.payments import PaymentOutcome
from subgraphs.orders.products_answers import ProductSnapshot, ProductsNotCalled, ProductsUnavailable
from subgraphs.orders.products_client import ProductsClient
from subgraphs.orders.schemas import OrderPlacement
from subgraphs.orders.services.access import SYSTEM_ACTOR, reread
from subgraphs.orders.services.stock_tasks import run_task_now

INSERT_ATTEMPTS = 3


@dataclass(frozen=True)
class Checkout:
    """One customer's placement, with what makes two requests under one key the same checkout."""

    customer_id: str
    placement: OrderPlacement
    fingerprint: str

    @classmethod
    def of(cls, customer_id: str, placement: OrderPlacement) -> Checkout:
        return cls(customer_id, placement, fingerprint(placement))


@dataclass(frozen=True)
class PricedCart:
    """The order's lines at today's prices, in one currency."""

    items: list[OrderItemRecord]
    currency: str
    subtotal: Decimal


async def place_order(deps: OrdersDeps, placement: OrderPlacement) -> OrderRecord:
    """Turn a cart into an order: price it, hold the stock, charge, then sell the stock or give it back.

    The same idempotency key (per customer) with the same cart and card returns the same order and
    never charges again; with another cart or card it is a CONFLICT. Outcomes:
    - a PAID order (payment succeeded; its held stock is sold, now or by the stock task);
    - a PAYMENT_FAILED order with `payment.failureReason` (its held stock is given back);
    - an error and no order: BAD_USER_INPUT, NOT_FOUND, OUT_OF_STOCK, or UNAVAILABLE when products did
      not answer (then any stock it may have held is released, durably).
    """
    principal = require_role(deps.caller, Role.CUSTOMER)
    checkout = Checkout.of(str(principal.subject), placement)
    earlier = await earlier_order(deps, checkout)
    if earlier is not None:
        return replay(earlier, checkout.fingerprint)
    cart = await price(deps.products, placement)
    order_id = uuid.uuid4()
    twin = await claim_idempotency_key(deps, checkout, cart, order_id)
    if twin is not None:
        return replay(twin, checkout.fingerprint)
    await reserve(deps, placement, order_id)
    outcome = await deps.payments.charge(
        order_id=order_id, amount=cart.subtotal, currency=cart.currency, card=placement.payment.card
    )
    await settle(deps, checkout, cart, order_id, outcome)
    await run_task_now(deps.session, deps.products, order_id, deps.refunds)
    return await reread(deps.session, order_id)


# ---------------------------------------------------------------- the key


def fingerprint(placement: OrderPlacement) -> str:
    """What makes two requests with one idempotency key the same checkout (never the full card)."""
    payload = {
        "lines": [[str(line.product_id), line.quantity] for line in placement.lines],
        "payment": [placement.payment.method.value, placement.payment.card.last4],
    }
    return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()


def replay(existing: OrderRecord, fingerprint: str) -> OrderRecord:
    """The order placed earlier under the key, if it was for this same checkout; else CONFLICT."""
    if existing.request_hash != fingerprint:
        raise ConflictError(
            "This idempotency key was already used for a different order.", field="idempotencyKey"
        )
    return existing


async def earlier_order(deps: OrdersDeps, checkout: Checkout) -> OrderRecord | None:
    """The customer's order already placed under this key; no transaction stays open after it, as
    products is called next."""
    existing = await repository.find_by_idempotency_key(
        session=deps.session, customer_id=checkout.customer_id, key=checkout.placement.idempotency_key
    )
    await deps.session.rollback()
    return existing


async def claim_idempotency_key(
    deps: OrdersDeps, checkout: Checkout, cart: PricedCart, order_id: uuid.UUID
) -> OrderRecord | None:
    """Insert the PENDING order under the customer's key (committed); None once it is in, or the order
    of a concurrent twin that got the key first (answered as a replay)."""
    session, placement = deps.session, checkout.placement
    # Under a burst the wait for a database connection is the longest: once this checkout has one, a
    # shortage products reported meanwhile still refuses it before anything is written.
    await session.connection()
    try:
        deps.products.refuse_known_shortages(placement.lines)
    except DomainError:
        await session.rollback()
        raise
    values = {
        "customer_id": checkout.customer_id,
        "idempotency_key": placement.idempotency_key,
        "request_hash": checkout.fingerprint,
        "currency": cart.currency,
        "subtotal": cart.subtotal,
        "total": cart.subtotal,
        "payment_method": placement.payment.method.value,
        "card_last4": placement.payment.card.last4,
    }
    for _ in range(INSERT_ATTEMPTS):
        created = await repository.insert_order(
            session=session, order_id=order_id, values=values, items=cart.items, actor=checkout.customer_id
        )
        await session.commit()
        if created:
            return None
        # A concurrent request with the same key got there first: answer with its order. If that
        # checkout failed meanwhile (its order is gone), the key is free again: try once more.
        twin = await earlier_order(deps, checkout)
        if twin is not None:
            return twin
    raise ConflictError("Another checkout with this idempotency key is in progress; try again.")


# ---------------------------------------------------------------- pricing


async def price(products: ProductsClient, placement: OrderPlacement) -> PricedCart:
    """The cart at today's prices; NOT_FOUND for products unknown or not for sale, OUT_OF_STOCK (nothing
    written) for a shortage products reported a moment ago."""
    lines = placement.lines
    snapshots = await products.products([line.product_id for line in lines])
    items = price_lines(placement, snapshots)
    products.refuse_known_shortages(lines)
    return PricedCart(
        items=items,
        currency=snapshots[lines[0].product_id].currency,
        subtotal=sum((item.line_total for item in items), Decimal("0.00")),
    )


def price_lines(
    placement: OrderPlacement, snapshots: Mapping[uuid.UUID, ProductSnapshot]
) -> list[OrderItemRecord]:
    """The order's lines at the snapshots' prices, all in one currency."""
    lines = placement.lines
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


# ---------------------------------------------------------------- stock


async def reserve(deps: OrdersDeps, placement: OrderPlacement, order_id: uuid.UUID) -> None:
    """Hold the order's stock in products. Compensation when it is not held: the order is forgotten,
    and when products may hold some all the same, a release is owed (durably) and tried at once."""
    try:
        await deps.products.reserve(order_id=order_id, lines=placement.lines)
    except ProductsNotCalled:
        # Refused before it was sent (overloaded, circuit open): products holds nothing.
        await forget_checkout(deps, order_id, owe_release=False)
        raise
    except ProductsUnavailable:
        # Unknown whether products holds stock for this order (an attempt got no answer and may still
        # arrive): forget the order and owe a release, in one transaction, tried at once. Products
        # records the release even for an order it never saw, so a late attempt is refused there.
        await forget_checkout(deps, order_id, owe_release=True)
        await run_task_now(deps.session, deps.products, order_id, deps.refunds)
        raise
    except DomainError:
        # A definite no (OUT_OF_STOCK, NOT_FOUND, CONFLICT): products holds nothing for this order.
        await forget_checkout(deps, order_id, owe_release=False)
        raise


async def forget_checkout(deps: OrdersDeps, order_id: uuid.UUID, *, owe_release: bool) -> None:
    """Delete a checkout that did not get its stock; with `owe_release` (products may hold some all the
    same), a release is owed in the same transaction."""
    await repository.delete_order(session=deps.session, order_id=order_id)
    if owe_release:
        await repository.put_stock_task(session=deps.session, order_id=order_id, action=StockAction.RELEASE)
    await deps.session.commit()
    await deps.caches.forget_orders([order_id])


# ---------------------------------------------------------------- settling


async def settle(
    deps: OrdersDeps, checkout: Checkout, cart: PricedCart, order_id: uuid.UUID, outcome: PaymentOutcome
) -> None:
    """Record the payment's outcome (PAID, or PAYMENT_FAILED) and owe products the sale or the release
    of the held stock, announcing the order; committed. An order cancelled meanwhile (the stale-checkout
    sweep) keeps no charge: a successful one is refunded."""
    if await record_payment(deps, order_id, outcome):
        action = StockAction.COMMIT if outcome.succeeded else StockAction.RELEASE
        await repository.put_stock_task(session=deps.session, order_id=order_id, action=action)
        await announce(deps, checkout, cart, order_id, outcome)
    elif outcome.succeeded:
        await refund_late_charge(deps, cart, order_id, outcome)
    await deps.session.commit()
    await deps.caches.forget_orders([order_id])


async def record_payment(deps: OrdersDeps, order_id: uuid.UUID, outcome: PaymentOutcome) -> bool:
    """Move the PENDING order to PAID or PAYMENT_FAILED; False when it is no longer PENDING."""
    if outcome.succeeded:
        return await repository.transition(
            session=deps.session,
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
    failure = outcome.failure or PaymentFailure.PROCESSOR_ERROR
    return await repository.transition(
        session=deps.session,
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


async def announce(
    deps: OrdersDeps, checkout: Checkout, cart: PricedCart, order_id: uuid.UUID, outcome: PaymentOutcome
) -> None:
    """The events of a checkout that held its stock: placed, then paid or payment failed. A checkout
    refused before that leaves no order and no event."""
    session, customer_id = deps.session, checkout.customer_id
    await events.order_placed(
        session,
        order_id=order_id,
        customer_id=customer_id,
        currency=cart.currency,
        total=cart.subtotal,
        items=cart.items,
    )
    if outcome.succeeded:
        await events.emit(
            session,
            OrderEvent.PAID,
            order_id=order_id,
            customer_id=customer_id,
            currency=cart.currency,
            total=cart.subtotal,
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


async def refund_late_charge(
    deps: OrdersDeps, cart: PricedCart, order_id: uuid.UUID, outcome: PaymentOutcome
) -> None:
    """Refund a charge that went through for an order cancelled meanwhile, and record it."""
    refund_id = await deps.payments.refund(
        order_id=order_id, transaction_id=outcome.transaction_id, amount=cart.subtotal, currency=cart.currency
    )
    await repository.record_refund(
        session=deps.session, order_id=order_id, transaction_id=outcome.transaction_id, refund_id=refund_id
    )
