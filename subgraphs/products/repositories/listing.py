"""SQL for product listings (search, filters, keyset pages) and their counts.

A listing's statement depends on the search's shape (which filters are given, the sort, whether it
continues after a cursor), never on its values, which are bound parameters. So each shape's statement
is built once per process and reused: building one coerced every column and expression and computed
its cache key again on each request, about 0.5 ms of a 20-product page's CPU.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    UUID,
    BindParameter,
    ColumnClause,
    ColumnElement,
    Float,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    or_,
    tuple_,
)
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.db import column_rows
from subgraphs.products.models import Product, ProductRecord
from subgraphs.products.repositories.catalogue import PRODUCT_COLUMNS, record_of_row
from subgraphs.products.search import ProductSearch, ProductSort, SortKey

SEARCH_VECTOR: ColumnClause[Any] = literal_column('"products"."products"."search_vector"')
SEARCH_CONFIG = "english"
SHAPES_KEPT = 512  # far more than the shapes there are; a bound, not a working set


@dataclass(frozen=True)
class ListingShape:
    """What a listing's SQL depends on besides bound values."""

    sort: ProductSort
    text: bool
    categories: bool
    min_price: bool
    max_price: bool
    in_stock: bool | None
    include_inactive: bool
    after: bool

    @classmethod
    def of(cls, search: ProductSearch, sort: ProductSort, *, after: bool) -> ListingShape:
        return cls(
            sort=sort,
            text=bool(search.text),
            categories=search.category_ids is not None,
            min_price=search.min_price is not None,
            max_price=search.max_price is not None,
            in_stock=search.in_stock,
            include_inactive=search.include_inactive,
            after=after,
        )


def _text() -> BindParameter[str]:
    return bindparam("text", type_=String)


def _conditions(shape: ListingShape) -> list[ColumnElement[bool]]:
    """The WHERE clause of a listing (and of its count)."""
    conditions: list[ColumnElement[bool]] = [col(Product.deleted_at).is_(None)]
    if not shape.include_inactive:
        conditions.append(col(Product.active).is_(True))
    if shape.text:
        query = func.websearch_to_tsquery(SEARCH_CONFIG, _text())
        fuzzy = _text().op("<%")(col(Product.name))
        conditions.append(or_(SEARCH_VECTOR.op("@@")(query), fuzzy))
    if shape.categories:
        conditions.append(col(Product.category_id).in_(bindparam("category_ids", expanding=True)))
    price_type = Product.__table__.c.price.type  # type: ignore[attr-defined]
    if shape.min_price:
        conditions.append(col(Product.price) >= bindparam("min_price", type_=price_type))
    if shape.max_price:
        conditions.append(col(Product.price) <= bindparam("max_price", type_=price_type))
    if shape.in_stock is not None:
        available = col(Product.stock_on_hand) - col(Product.stock_reserved)
        conditions.append(available > 0 if shape.in_stock else available <= 0)
    return conditions


def _sort_columns(shape: ListingShape) -> tuple[Any, bool]:
    """The expression a listing is ordered by (ties broken by id) and whether it descends."""
    if shape.sort is ProductSort.RELEVANCE and shape.text:
        # Full-text rank plus trigram closeness of the name, so a misspelt word still ranks its product.
        rank = func.ts_rank_cd(SEARCH_VECTOR, func.websearch_to_tsquery(SEARCH_CONFIG, _text()))
        return cast(rank + func.word_similarity(_text(), col(Product.name)), Float(53)), True
    if shape.sort in (ProductSort.PRICE_ASC, ProductSort.PRICE_DESC):
        return col(Product.price), shape.sort is ProductSort.PRICE_DESC
    if shape.sort in (ProductSort.NAME_ASC, ProductSort.NAME_DESC):
        return func.lower(col(Product.name)), shape.sort is ProductSort.NAME_DESC
    return col(Product.created_at), True


@lru_cache(maxsize=SHAPES_KEPT)
def _page_statement(shape: ListingShape) -> Select[Any]:
    key, descending = _sort_columns(shape)
    columns: tuple[Any, ...] = (*PRODUCT_COLUMNS, key.label("sort_key"))
    statement: Select[Any] = select(*columns).where(*_conditions(shape))
    if shape.after:
        position = tuple_(key, col(Product.id))
        after = tuple_(bindparam("after_key", type_=key.type), bindparam("after_id", type_=UUID()))
        statement = statement.where(position < after if descending else position > after)
    order = (key.desc(), col(Product.id).desc()) if descending else (key.asc(), col(Product.id).asc())
    return statement.order_by(*order).limit(bindparam("limit"))


@lru_cache(maxsize=SHAPES_KEPT)
def _count_statement(shape: ListingShape) -> Select[Any]:
    statement: Select[Any] = select(func.count()).select_from(Product).where(*_conditions(shape))
    return statement


def _values(search: ProductSearch) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if search.text:
        values["text"] = search.text
    if search.category_ids is not None:
        values["category_ids"] = list(search.category_ids)
    if search.min_price is not None:
        values["min_price"] = search.min_price
    if search.max_price is not None:
        values["max_price"] = search.max_price
    return values


async def search_products(
    *,
    session: AsyncSession,
    search: ProductSearch,
    sort: ProductSort,
    limit: int,
    after: SortKey | None,
) -> list[tuple[ProductRecord, SortKey]]:
    """One page of products in keyset order, each with the key its cursor encodes."""
    statement = _page_statement(ListingShape.of(search, sort, after=after is not None))
    values = {**_values(search), "limit": limit}
    if after is not None:
        values["after_key"], values["after_id"] = after
    rows = await column_rows(session, statement, values)
    page: list[tuple[ProductRecord, SortKey]] = []
    for row in rows:
        record = record_of_row(row)
        product_id: uuid.UUID = record.id
        page.append((record, (row[-1], product_id)))
    return page


async def count_products(*, session: AsyncSession, search: ProductSearch) -> int:
    statement = _count_statement(ListingShape.of(search, ProductSort.NEWEST, after=False))
    rows = await column_rows(session, statement, _values(search))
    return int(rows[0][0])
