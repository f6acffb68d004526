"""The catalogue's use cases: who sees which product, listings in keyset pages, and admins' writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from subgraphs.common.auth import Caller, Principal, Role, require_role
from subgraphs.common.errors import BadUserInputError, NotFoundError
from subgraphs.common.model_inputs import given
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.products import events
from subgraphs.products.category_tree import CategoryTree
from subgraphs.products.deps import ProductsDeps
from subgraphs.products.models import MovementKind, ProductRecord
from subgraphs.products.repositories import catalogue, listing, stock
from subgraphs.products.schemas import ProductCreate, ProductUpdate
from subgraphs.products.search import ProductSearch, ProductSort, SortKey
from subgraphs.products.services import STAFF
from subgraphs.products.services.stock import movement

# ---------------------------------------------------------------- reading


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
    deps: ProductsDeps, search: ProductSearch, sort: ProductSort, *, first: int | None, after: str | None
) -> ProductPage:
    check_listing_access(deps.caller, search)
    size = page_size(first)
    position = decode_position(after, sort, search.text) if after else None
    rows = await listing.search_products(
        session=deps.session, search=search, sort=sort, limit=size + 1, after=position
    )
    return ProductPage(
        items=[(product, encode_position(sort, key)) for product, key in rows[:size]],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def count_products(deps: ProductsDeps, search: ProductSearch) -> int:
    check_listing_access(deps.caller, search)
    return await listing.count_products(session=deps.session, search=search)


async def product_by_sku(deps: ProductsDeps, sku: str) -> ProductRecord | None:
    product = await catalogue.get_live_product_by_sku(session=deps.session, sku=sku.strip().upper())
    return product if is_visible(product, deps.caller) else None


# ---------------------------------------------------------------- writes


async def _require_category(deps: ProductsDeps, category_id: uuid.UUID | None) -> None:
    if category_id is None:
        return
    tree = CategoryTree(await catalogue.list_categories(session=deps.session))
    if tree.get(category_id) is None:
        raise BadUserInputError("There is no such category.", field="categoryId")


async def create_product(deps: ProductsDeps, new: ProductCreate) -> ProductRecord:
    actor = require_role(deps.caller, *STAFF)
    session = deps.session
    await _require_category(deps, new.category_id)
    product = await catalogue.insert_product(
        session=session, values={**new.columns(), "stock_on_hand": new.initial_stock}
    )
    created = [events.product_created(product)]
    if new.initial_stock:
        await stock.record_movements(
            session=session,
            movements=[
                movement(
                    product.id, MovementKind.RESTOCK, actor, on_hand=new.initial_stock, reason="initial stock"
                )
            ],
        )
        created += events.stock_changed(product, kind=MovementKind.RESTOCK, on_hand_delta=new.initial_stock)
    await events.write(session, created)
    await session.commit()
    await deps.caches.forget_products([product.id])
    return product


async def update_product(deps: ProductsDeps, product_id: uuid.UUID, update: ProductUpdate) -> ProductRecord:
    require_role(deps.caller, *STAFF)
    changes = given(update)
    if "category_id" in changes:
        await _require_category(deps, changes["category_id"])
    product = await catalogue.update_product(session=deps.session, product_id=product_id, changes=changes)
    if product is None:
        raise NotFoundError("There is no such product.", productId=str(product_id))
    await events.write(deps.session, [events.product_updated(product, list(changes))])
    await deps.session.commit()
    await deps.caches.forget_products([product_id])
    return product


async def delete_product(deps: ProductsDeps, product_id: uuid.UUID) -> ProductRecord:
    """Soft delete: the product leaves listings but stays resolvable for the orders that reference it."""
    require_role(deps.caller, *STAFF)
    product = await catalogue.update_product(
        session=deps.session,
        product_id=product_id,
        changes={"deleted_at": datetime.now().astimezone(), "active": False},
    )
    if product is None:
        raise NotFoundError("There is no such product.", productId=str(product_id))
    await events.write(deps.session, [events.product_deleted(product)])
    await deps.session.commit()
    await deps.caches.forget_products([product_id])
    return product
