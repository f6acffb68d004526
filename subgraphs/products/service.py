"""The products subgraph's use cases: who may do what, input rules, transactions, cache invalidation.

Every write checks the caller's role first, commits, then drops what it changed from the cache.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlparse

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Principal, Role, require_role
from subgraphs.common.errors import BadUserInputError, ConflictError, NotFoundError, OutOfStockError
from subgraphs.common.events import EventDraft
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.products import events, repository
from subgraphs.products.caches import TREE_KEY, ProductCaches
from subgraphs.products.category_tree import CategoryTree, LastDecodedTree
from subgraphs.products.models import (
    CategoryRecord,
    CategoryTreeSnapshot,
    MovementKind,
    ProductRecord,
    ReservationLine,
    ReservationRecord,
    ReservationStatus,
    StockMovement,
    StockMovementRecord,
    utc_now,
)
from subgraphs.products.search import ProductSearch, ProductSort, SortKey

MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("9999999999.99")
SKU_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")

STAFF = (Role.ADMIN,)
DEFAULT_RESERVATION_HOLD = timedelta(minutes=15)  # `reservation_ttl_seconds`' default
EXPIRY_ACTOR = Principal(subject="reservation-expiry", role=Role.SERVICE)


# ---------------------------------------------------------------- input rules


def _text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise BadUserInputError(f"{field} must be text.", field=field)
    text: str = value.strip()
    if required and not text:
        raise BadUserInputError(f"{field} must not be empty.", field=field)
    if len(text) > max_length:
        raise BadUserInputError(f"{field} must be at most {max_length} characters.", field=field)
    return text


def _price(value: Any) -> Decimal:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise BadUserInputError("price must be a decimal number.", field="price") from error
    if not price.is_finite() or price < 0:
        raise BadUserInputError("price must not be negative.", field="price")
    if price > MAX_PRICE:
        raise BadUserInputError("price is too large.", field="price")
    if price != price.quantize(Decimal("0.01")):
        raise BadUserInputError("price has at most two decimal places.", field="price")
    return price.quantize(Decimal("0.01"))


def _image_url(value: Any) -> str | None:
    if value is None:
        return None
    url = _text(value, "imageUrl", max_length=2048)
    try:
        parsed = urlparse(url)
    except ValueError as error:
        raise BadUserInputError("imageUrl must be an http(s) URL.", field="imageUrl") from error
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise BadUserInputError("imageUrl must be an http(s) URL.", field="imageUrl")
    return url


def _sku(value: Any) -> str:
    sku = _text(value, "sku", max_length=64).upper()
    if not SKU_PATTERN.match(sku):
        raise BadUserInputError("sku must be 1-64 letters, digits, '.', '_' or '-'.", field="sku")
    return sku


def _currency(value: Any) -> str:
    currency = _text(value, "currency", max_length=3).upper()
    if not CURRENCY_PATTERN.match(currency):
        raise BadUserInputError("currency must be a three-letter ISO 4217 code.", field="currency")
    return currency


def _quantity(value: int, field: str) -> int:
    if value <= 0 or value > MAX_QUANTITY:
        raise BadUserInputError(f"{field} must be between 1 and {MAX_QUANTITY}.", field=field)
    return value


PRODUCT_FIELD_RULES: dict[str, Callable[[Any], Any]] = {
    "sku": _sku,
    "name": lambda v: _text(v, "name", max_length=200),
    "description": lambda v: _text(
        v if v is not None else "", "description", max_length=10_000, required=False
    ),
    "price": _price,
    "currency": _currency,
    "image_url": _image_url,
    "active": lambda v: bool(v) if v is not None else True,
}


def _product_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name == "category_id":
            cleaned[name] = value
            continue
        if value is None and name not in {"image_url", "description"}:
            raise BadUserInputError(f"{name} cannot be null.", field=name)
        cleaned[name] = PRODUCT_FIELD_RULES[name](value)
    return cleaned


async def _require_category(session: AsyncSession, category_id: uuid.UUID | None) -> None:
    if category_id is None:
        return
    tree = CategoryTree(await repository.list_categories(session=session))
    if tree.get(category_id) is None:
        raise BadUserInputError("There is no such category.", field="categoryId")


# ---------------------------------------------------------------- reading


# Process-wide, as the bytes it is keyed by are the same for every request and app that read them.
LAST_TREE = LastDecodedTree()


async def load_category_tree(*, session: AsyncSession, caches: ProductCaches) -> CategoryTree:
    """The tree from Redis (decoded again only when its bytes changed), or from one SQL query (then
    cached)."""
    raw = await caches.category_tree.get_raw(TREE_KEY)
    tree = LAST_TREE.of(raw) if raw is not None else None
    if tree is not None:
        return tree
    snapshot = CategoryTreeSnapshot(categories=await repository.list_categories(session=session))
    await caches.category_tree.put_many({TREE_KEY: snapshot})
    return CategoryTree(snapshot.categories)


def is_visible(product: ProductRecord | None, caller: Caller) -> bool:
    """Deleted products are gone for everyone; inactive ones are seen by admins only."""
    if product is None or product.deleted_at is not None:
        return False
    return product.active or (isinstance(caller, Principal) and caller.role is Role.ADMIN)


@dataclass(frozen=True)
class ProductPage:
    items: list[tuple[ProductRecord, str]]
    has_next_page: bool
    has_previous_page: bool


def encode_position(sort: ProductSort, key: SortKey) -> str:
    value, product_id = key
    raw = value.isoformat() if isinstance(value, datetime) else str(value)
    return encode_cursor({"s": sort.value, "k": raw, "i": str(product_id)})


def decode_position(cursor: str, sort: ProductSort, search_text: str | None) -> SortKey:
    """The keyset position a cursor names; BAD_USER_INPUT if it is not one of ours for this sort."""
    position = decode_cursor(cursor)
    try:
        if position["s"] != sort.value:
            raise ValueError("cursor from another sort order")
        raw, product_id = position["k"], uuid.UUID(str(position["i"]))
        effective = sort if sort is not ProductSort.RELEVANCE or search_text else ProductSort.NEWEST
        value: Any
        if effective is ProductSort.NEWEST:
            value = datetime.fromisoformat(raw)
        elif effective in (ProductSort.PRICE_ASC, ProductSort.PRICE_DESC):
            value = Decimal(raw)
        elif effective is ProductSort.RELEVANCE:
            value = float(raw)
        else:
            value = str(raw)
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise invalid_cursor() from error
    return value, product_id


def check_listing_access(caller: Caller, search: ProductSearch) -> None:
    if search.include_inactive:
        require_role(caller, *STAFF)
    if search.min_price is not None and search.max_price is not None and search.min_price > search.max_price:
        raise BadUserInputError("minPrice must not exceed maxPrice.", field="minPrice")


async def list_products(
    *,
    session: AsyncSession,
    caller: Caller,
    search: ProductSearch,
    sort: ProductSort,
    first: int | None,
    after: str | None,
) -> ProductPage:
    check_listing_access(caller, search)
    size = page_size(first)
    position = decode_position(after, sort, search.text) if after else None
    rows = await repository.search_products(
        session=session, search=search, sort=sort, limit=size + 1, after=position
    )
    return ProductPage(
        items=[(product, encode_position(sort, key)) for product, key in rows[:size]],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def count_products(*, session: AsyncSession, caller: Caller, search: ProductSearch) -> int:
    check_listing_access(caller, search)
    return await repository.count_products(session=session, search=search)


async def product_by_sku(*, session: AsyncSession, caller: Caller, sku: str) -> ProductRecord | None:
    product = await repository.get_live_product_by_sku(session=session, sku=sku.strip().upper())
    return product if is_visible(product, caller) else None


async def stock_movements(
    *, session: AsyncSession, caller: Caller, product_id: uuid.UUID, first: int | None
) -> list[StockMovementRecord]:
    require_role(caller, *STAFF)
    return await repository.list_movements(
        session=session, product_id=product_id, limit=page_size(first), before=None
    )


# ---------------------------------------------------------------- catalogue writes


async def create_product(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    values: Mapping[str, Any],
    initial_stock: int = 0,
) -> ProductRecord:
    actor = require_role(caller, *STAFF)
    missing = [name for name in ("sku", "name", "price") if values.get(name) is None]
    if missing:
        raise BadUserInputError(f"{missing[0]} is required.", field=missing[0])
    cleaned = _product_values(values)
    await _require_category(session, cleaned.get("category_id"))
    if initial_stock < 0 or initial_stock > MAX_QUANTITY:
        raise BadUserInputError(f"initialStock must be between 0 and {MAX_QUANTITY}.", field="initialStock")
    product = await repository.insert_product(
        session=session, values={**cleaned, "stock_on_hand": initial_stock}
    )
    if initial_stock:
        await repository.record_movements(
            session=session,
            movements=[
                _movement(
                    product.id, MovementKind.RESTOCK, actor, on_hand=initial_stock, reason="initial stock"
                )
            ],
        )
    created = [events.product_created(product)]
    if initial_stock:
        created += events.stock_changed(product, kind=MovementKind.RESTOCK, on_hand_delta=initial_stock)
    await events.write(session, created)
    await session.commit()
    await caches.forget_products([product.id])
    return product


async def update_product(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    product_id: uuid.UUID,
    changes: Mapping[str, Any],
) -> ProductRecord:
    require_role(caller, *STAFF)
    cleaned = _product_values(changes)
    if "category_id" in cleaned:
        await _require_category(session, cleaned["category_id"])
    product = await repository.update_product(session=session, product_id=product_id, changes=cleaned)
    if product is None:
        raise NotFoundError("There is no such product.", productId=str(product_id))
    await events.write(session, [events.product_updated(product, list(cleaned))])
    await session.commit()
    await caches.forget_products([product_id])
    return product


async def delete_product(
    *, session: AsyncSession, caches: ProductCaches, caller: Caller, product_id: uuid.UUID
) -> ProductRecord:
    """Soft delete: the product leaves listings but stays resolvable for the orders that reference it."""
    require_role(caller, *STAFF)
    product = await repository.update_product(
        session=session,
        product_id=product_id,
        changes={"deleted_at": datetime.now().astimezone(), "active": False},
    )
    if product is None:
        raise NotFoundError("There is no such product.", productId=str(product_id))
    await events.write(session, [events.product_deleted(product)])
    await session.commit()
    await caches.forget_products([product_id])
    return product


async def create_category(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    name: str,
    slug: str | None,
    description: str | None,
    parent_id: uuid.UUID | None,
) -> CategoryRecord:
    require_role(caller, *STAFF)
    clean_name = _text(name, "name", max_length=100)
    values = {
        "name": clean_name,
        "slug": _slug(slug if slug is not None else clean_name),
        "description": _text(description or "", "description", max_length=2000, required=False),
        "parent_id": parent_id,
    }
    await repository.lock_category_tree(session=session)
    tree = CategoryTree(await repository.list_categories(session=session))
    if parent_id is not None and tree.get(parent_id) is None:
        raise BadUserInputError("There is no such parent category.", field="parentId")
    category = await repository.insert_category(session=session, values=values)
    await session.commit()
    await caches.forget_category_tree()
    return category


async def update_category(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    category_id: uuid.UUID,
    changes: Mapping[str, Any],
) -> CategoryRecord:
    require_role(caller, *STAFF)
    cleaned: dict[str, Any] = {}
    if "name" in changes:
        cleaned["name"] = _text(changes["name"], "name", max_length=100)
    if "slug" in changes:
        cleaned["slug"] = _slug(changes["slug"])
    if "description" in changes:
        cleaned["description"] = _text(
            changes["description"] or "", "description", max_length=2000, required=False
        )
    category = await repository.update_category(session=session, category_id=category_id, changes=cleaned)
    if category is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    await session.commit()
    await caches.forget_category_tree()
    return category


async def move_category(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    category_id: uuid.UUID,
    parent_id: uuid.UUID | None,
) -> CategoryRecord:
    """Re-parent a category (None makes it a root); refused when it would put it under itself."""
    require_role(caller, *STAFF)
    await repository.lock_category_tree(session=session)
    tree = CategoryTree(await repository.list_categories(session=session))
    if tree.get(category_id) is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    if parent_id is not None:
        if tree.get(parent_id) is None:
            raise BadUserInputError("There is no such parent category.", field="parentId")
        if tree.is_descendant_or_self(parent_id, of=category_id):
            raise BadUserInputError(
                "A category cannot move under itself or its descendants.", field="parentId"
            )
    category = await repository.update_category(
        session=session, category_id=category_id, changes={"parent_id": parent_id}
    )
    if category is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    await session.commit()
    await caches.forget_category_tree()
    return category


async def delete_category(
    *, session: AsyncSession, caches: ProductCaches, caller: Caller, category_id: uuid.UUID
) -> CategoryRecord:
    """Delete an empty category; one with subcategories or products is refused (move them first)."""
    require_role(caller, *STAFF)
    await repository.lock_category_tree(session=session)
    tree = CategoryTree(await repository.list_categories(session=session))
    category = tree.get(category_id)
    if category is None:
        raise NotFoundError("There is no such category.", categoryId=str(category_id))
    if tree.children(category_id):
        raise ConflictError("The category has subcategories; move or delete them first.")
    if await repository.count_products_in_category(session=session, category_id=category_id):
        raise ConflictError("The category has products; move or delete them first.")
    await repository.delete_category(session=session, category_id=category_id)
    await session.commit()
    await caches.forget_category_tree()
    return category


def _slug(value: Any) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", _text(value, "slug", max_length=100).lower()).strip("-")
    if not SLUG_PATTERN.match(slug):
        raise BadUserInputError("slug must contain letters or digits.", field="slug")
    return slug


# ---------------------------------------------------------------- stock


def _movement(
    product_id: uuid.UUID,
    kind: MovementKind,
    actor: Principal | None,
    *,
    on_hand: int = 0,
    reserved: int = 0,
    reason: str = "",
    order_id: uuid.UUID | None = None,
) -> StockMovement:
    return StockMovement(
        product_id=product_id,
        kind=kind.value,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        reason=reason,
        order_id=order_id,
        actor=actor.subject if actor else None,
    )


async def restock(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    product_id: uuid.UUID,
    quantity: int,
    note: str | None,
) -> ProductRecord:
    actor = require_role(caller, *STAFF)
    _quantity(quantity, "quantity")
    reason = _text(note or "restock", "note", max_length=500)
    product = await repository.change_stock(session=session, product_id=product_id, on_hand_delta=quantity)
    if product is None:
        raise NotFoundError("There is no such product.", productId=str(product_id))
    await repository.record_movements(
        session=session,
        movements=[_movement(product_id, MovementKind.RESTOCK, actor, on_hand=quantity, reason=reason)],
    )
    await events.write(
        session, events.stock_changed(product, kind=MovementKind.RESTOCK, on_hand_delta=quantity)
    )
    await session.commit()
    await caches.forget_products([product_id])
    return product


async def adjust_stock(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    product_id: uuid.UUID,
    delta: int,
    reason: str,
) -> ProductRecord:
    """Correct the on-hand count (damage, a stock take...); it never drops below what is reserved."""
    actor = require_role(caller, *STAFF)
    if delta == 0 or abs(delta) > MAX_QUANTITY:
        raise BadUserInputError(
            f"delta must be non-zero and at most {MAX_QUANTITY} either way.", field="delta"
        )
    why = _text(reason, "reason", max_length=500)
    product = await repository.change_stock(session=session, product_id=product_id, on_hand_delta=delta)
    if product is None:
        current = (await repository.get_products(session=session, ids=[product_id])).get(product_id)
        if current is None or current.deleted_at is not None:
            raise NotFoundError("There is no such product.", productId=str(product_id))
        raise ConflictError(
            "The adjustment would leave less stock on hand than is reserved.",
            onHand=current.stock_on_hand,
            reserved=current.stock_reserved,
        )
    await repository.record_movements(
        session=session,
        movements=[_movement(product_id, MovementKind.ADJUSTMENT, actor, on_hand=delta, reason=why)],
    )
    await events.write(
        session, events.stock_changed(product, kind=MovementKind.ADJUSTMENT, on_hand_delta=delta)
    )
    await session.commit()
    await caches.forget_products([product_id])
    return product


def merge_lines(lines: Sequence[tuple[uuid.UUID, int]]) -> list[ReservationLine]:
    """One line per product (quantities added), in product-id order so row locks never deadlock."""
    merged: dict[uuid.UUID, int] = {}
    for product_id, quantity in lines:
        if quantity <= 0 or quantity > MAX_QUANTITY:
            raise BadUserInputError(f"quantity must be between 1 and {MAX_QUANTITY}.", field="quantity")
        merged[product_id] = merged.get(product_id, 0) + quantity
    if not merged:
        raise BadUserInputError("A reservation needs at least one item.", field="items")
    return [
        ReservationLine(product_id=pid, quantity=qty)
        for pid, qty in sorted(merged.items(), key=lambda i: i[0])
    ]


async def reserve_stock(
    *,
    session: AsyncSession,
    caches: ProductCaches,
    caller: Caller,
    order_id: uuid.UUID,
    lines: Sequence[tuple[uuid.UUID, int]],
    hold: timedelta = DEFAULT_RESERVATION_HOLD,
) -> ReservationRecord:
    """Hold stock for an order, all lines or none, for `hold` (then the expiry worker gives it back).
    Repeating it for the same order returns the first.

    Cheap under contention: the order's reservation is claimed first (a repeat of the same order waits
    for it there, not on the products), a plain read then refuses what is short at once (a sold-out
    product answers without queueing for its row), and the guarded UPDATE of each product row comes
    last, after the reservation's lines and ledger are written: a hot product's row is locked only for
    its UPDATE and the commit, never across other round trips.
    """
    actor = require_role(caller, Role.SERVICE)
    wanted = merge_lines(lines)
    if not await repository.claim_reservation(
        session=session, order_id=order_id, status=ReservationStatus.RESERVED, hold=hold
    ):
        existing = await repository.get_reservation(session=session, order_id=order_id)
        await session.rollback()
        if existing is None:
            raise ConflictError(
                "The reservation for this order changed meanwhile; try again.", orderId=str(order_id)
            )
        if existing.status is ReservationStatus.RELEASED:
            raise ConflictError("The reservation for this order was released.", orderId=str(order_id))
        if existing.status is ReservationStatus.EXPIRED:
            raise ConflictError("The reservation for this order expired.", orderId=str(order_id))
        if existing.lines != wanted:
            raise ConflictError("This order already holds a different reservation.", orderId=str(order_id))
        return existing
    levels = await repository.stock_levels(session=session, ids=[line.product_id for line in wanted])
    short = [line for line in wanted if not _enough(levels.get(line.product_id), line.quantity)]
    changes: list[EventDraft] = []
    if not short:
        await repository.add_reservation_lines(session=session, order_id=order_id, lines=wanted)
        await repository.record_movements(
            session=session,
            movements=[
                _movement(
                    line.product_id,
                    MovementKind.RESERVATION,
                    actor,
                    reserved=line.quantity,
                    order_id=order_id,
                )
                for line in wanted
            ],
        )
        for line in wanted:  # in product-id order, so two orders' row locks never deadlock
            product = await repository.change_stock(
                session=session,
                product_id=line.product_id,
                reserved_delta=line.quantity,
                require_available=line.quantity,
            )
            if product is None or not product.active:
                short.append(line)  # taken meanwhile: no need to lock the other rows
                break
            changes += events.stock_changed(
                product, kind=MovementKind.RESERVATION, reserved_delta=line.quantity, order_id=order_id
            )
    if short:
        await session.rollback()
        shortages = [await _shortage(session, line) for line in short]
        await session.rollback()
        unknown = [s for s in shortages if s["available"] is None]
        if unknown:
            raise NotFoundError("Some products do not exist or are not for sale.", items=unknown)
        raise OutOfStockError("Not enough stock for some items.", items=shortages)
    await events.write(session, changes)
    await session.commit()
    await caches.forget_products([line.product_id for line in wanted])
    return ReservationRecord(order_id=order_id, status=ReservationStatus.RESERVED, lines=wanted)


def _enough(level: repository.StockLevel | None, quantity: int) -> bool:
    return level is not None and level.for_sale and level.available >= quantity


async def _shortage(session: AsyncSession, line: ReservationLine) -> dict[str, Any]:
    product = (await repository.get_products(session=session, ids=[line.product_id])).get(line.product_id)
    live = product is not None and product.deleted_at is None and product.active
    return {
        "productId": str(line.product_id),
        "requested": line.quantity,
        "available": product.stock_available if live and product else None,
    }


async def _settle_line(
    session: AsyncSession,
    product_id: uuid.UUID,
    *,
    kind: MovementKind,
    order_id: uuid.UUID,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
) -> list[EventDraft]:
    """Move one reserved line's counts; the events that say so are returned. Settling must move them
    (also for a product deleted since it was reserved); were the guard to refuse, the ledger would
    disagree with the counts, so nothing is kept."""
    moved = await repository.change_stock(
        session=session,
        product_id=product_id,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        include_deleted=True,
    )
    if moved is None:
        raise ConflictError("The stock counts do not allow settling this order.", productId=str(product_id))
    return events.stock_changed(
        moved, kind=kind, on_hand_delta=on_hand_delta, reserved_delta=reserved_delta, order_id=order_id
    )


async def _settle(
    session: AsyncSession,
    reservation: ReservationRecord,
    actor: Principal,
    *,
    kind: MovementKind,
    status: ReservationStatus,
    on_hand_per_unit: int,
    reserved_per_unit: int,
) -> None:
    """Move a locked reservation to `status`: its ledger and status first, the product rows last, so a
    hot product's row is locked only for its UPDATE and the commit."""
    order_id = reservation.order_id
    await repository.record_movements(
        session=session,
        movements=[
            _movement(
                line.product_id,
                kind,
                actor,
                on_hand=on_hand_per_unit * line.quantity,
                reserved=reserved_per_unit * line.quantity,
                order_id=order_id,
            )
            for line in reservation.lines
        ],
    )
    await repository.set_reservation_status(session=session, order_id=order_id, status=status)
    changes: list[EventDraft] = []
    for line in reservation.lines:  # in product-id order
        changes += await _settle_line(
            session,
            line.product_id,
            kind=kind,
            order_id=order_id,
            on_hand_delta=on_hand_per_unit * line.quantity,
            reserved_delta=reserved_per_unit * line.quantity,
        )
    await events.write(session, changes)


async def release_stock(
    *, session: AsyncSession, caches: ProductCaches, caller: Caller, order_id: uuid.UUID
) -> ReservationRecord:
    """Give an order's held stock back. Releasing an unknown order records the release, so a reservation
    still in flight for it (a timed-out call) cannot take stock afterwards; releasing an expired one
    changes nothing (its stock went back when it expired)."""
    actor = require_role(caller, Role.SERVICE)
    await repository.claim_reservation(
        session=session, order_id=order_id, status=ReservationStatus.RELEASED, hold=timedelta(0)
    )
    reservation = await repository.get_reservation(session=session, order_id=order_id, lock=True)
    if reservation is None:
        await session.rollback()
        raise ConflictError(
            "The reservation for this order changed meanwhile; try again.", orderId=str(order_id)
        )
    if reservation.status in (ReservationStatus.COMMITTED, ReservationStatus.RETURNED):
        await session.rollback()
        raise ConflictError(
            "The order's stock was already sold; use returnStock to give it back.", orderId=str(order_id)
        )
    if reservation.status is ReservationStatus.EXPIRED:  # given back already, by the expiry worker
        await session.rollback()
        return reservation
    if reservation.status is ReservationStatus.RESERVED:
        await _settle(
            session,
            reservation,
            actor,
            kind=MovementKind.RELEASE,
            status=ReservationStatus.RELEASED,
            on_hand_per_unit=0,
            reserved_per_unit=-1,
        )
    await session.commit()
    await caches.forget_products([line.product_id for line in reservation.lines])
    return reservation.model_copy(update={"status": ReservationStatus.RELEASED})


async def return_stock(
    *, session: AsyncSession, caches: ProductCaches, caller: Caller, order_id: uuid.UUID
) -> ReservationRecord:
    """Give back everything an order took (a cancelled order): held stock is released, sold stock goes
    back on hand. Idempotent; for an unknown order it records a release, like `release_stock`."""
    actor = require_role(caller, Role.SERVICE)
    reservation = await repository.get_reservation(session=session, order_id=order_id, lock=True)
    if reservation is not None and reservation.status is ReservationStatus.RETURNED:
        await session.rollback()
        return reservation
    if reservation is None or reservation.status is not ReservationStatus.COMMITTED:
        await session.rollback()
        return await release_stock(session=session, caches=caches, caller=caller, order_id=order_id)
    await _settle(
        session,
        reservation,
        actor,
        kind=MovementKind.RETURN,
        status=ReservationStatus.RETURNED,
        on_hand_per_unit=1,
        reserved_per_unit=0,
    )
    await session.commit()
    await caches.forget_products([line.product_id for line in reservation.lines])
    return reservation.model_copy(update={"status": ReservationStatus.RETURNED})


async def commit_stock(
    *, session: AsyncSession, caches: ProductCaches, caller: Caller, order_id: uuid.UUID
) -> ReservationRecord:
    """Turn an order's held stock into a sale: on-hand and reserved both drop. Idempotent. A hold past
    its expiry that the expiry worker has not released yet still commits; an expired one is sold again
    from what is available now, or refused OUT_OF_STOCK (`_sell_again`)."""
    actor = require_role(caller, Role.SERVICE)
    reservation = await repository.get_reservation(session=session, order_id=order_id, lock=True)
    if reservation is None:
        raise NotFoundError("There is no reservation for this order.", orderId=str(order_id))
    if reservation.status is ReservationStatus.RELEASED:
        await session.rollback()
        raise ConflictError("The reservation for this order was released.", orderId=str(order_id))
    if reservation.status is ReservationStatus.EXPIRED:
        await _sell_again(session, reservation, actor)
    elif reservation.status is ReservationStatus.RESERVED:  # past its expiry or not: it still holds
        await _settle(
            session,
            reservation,
            actor,
            kind=MovementKind.SALE,
            status=ReservationStatus.COMMITTED,
            on_hand_per_unit=-1,
            reserved_per_unit=-1,
        )
    await session.commit()
    await caches.forget_products([line.product_id for line in reservation.lines])
    return reservation.model_copy(update={"status": ReservationStatus.COMMITTED})


async def _sell_again(session: AsyncSession, reservation: ReservationRecord, actor: Principal) -> None:
    """Sell an expired reservation's lines from what is available now, all or none (the hold is gone:
    its stock may have gone to someone else). OUT_OF_STOCK, nothing changed, when a line is short, so
    the order is refused the sale as a checkout is refused a reservation; never an oversell. The ledger
    and status first, the product rows last, as `_settle` does."""
    order_id = reservation.order_id
    await repository.record_movements(
        session=session,
        movements=[
            _movement(
                line.product_id,
                MovementKind.SALE,
                actor,
                on_hand=-line.quantity,
                reason="sold after its reservation expired",
                order_id=order_id,
            )
            for line in reservation.lines
        ],
    )
    await repository.set_reservation_status(
        session=session, order_id=order_id, status=ReservationStatus.COMMITTED
    )
    changes: list[EventDraft] = []
    for line in reservation.lines:  # in product-id order, so row locks never deadlock
        product = await repository.change_stock(
            session=session,
            product_id=line.product_id,
            on_hand_delta=-line.quantity,
            require_available=line.quantity,
        )
        if product is None or not product.active:
            await session.rollback()
            shortage = await _shortage(session, line)
            await session.rollback()
            raise OutOfStockError(
                "The order's reservation expired and its stock is no longer available.",
                orderId=str(order_id),
                items=[shortage],
            )
        changes += events.stock_changed(
            product, kind=MovementKind.SALE, on_hand_delta=-line.quantity, order_id=order_id
        )
    await events.write(session, changes)


async def release_one_expired(
    *, session: AsyncSession, caches: ProductCaches, now: datetime | None = None
) -> uuid.UUID | None:
    """Give back the stock of one reservation still RESERVED past its expiry, as a release does (ledger
    kind RELEASE, `stock.changed`, status EXPIRED), in one transaction; the order id, or None when none
    is due. One reservation per transaction: its product rows are locked in product-id order, as every
    other stock change locks them, so the worker never deadlocks with a checkout."""
    order_id = await repository.claim_expired_reservation(session=session, now=now or utc_now())
    if order_id is None:
        await session.rollback()
        return None
    reservation = await repository.get_reservation(session=session, order_id=order_id, lock=True)
    if reservation is None:  # claimed in this transaction, so it cannot be gone; nothing to give back
        await session.rollback()
        return None
    await _settle(
        session,
        reservation,
        EXPIRY_ACTOR,
        kind=MovementKind.RELEASE,
        status=ReservationStatus.EXPIRED,
        on_hand_per_unit=0,
        reserved_per_unit=-1,
    )
    await session.commit()
    await caches.forget_products([line.product_id for line in reservation.lines])
    return order_id
