"""Root queries and mutations of the products subgraph: parse arguments, call a service, map records.

Resolvers hold no rules of their own; who may do what and what input is valid live in `service`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import strawberry

from subgraphs.common.costs import assumed_size, connection_size, page_size
from subgraphs.common.errors import BadUserInputError
from subgraphs.common.ids import parse_id
from subgraphs.common.inputs import given_fields
from subgraphs.products import service
from subgraphs.products.enums import ProductSort
from subgraphs.products.inputs import (
    CreateCategoryInput,
    CreateProductInput,
    ProductFilter,
    StockLineInput,
    UpdateCategoryInput,
    UpdateProductInput,
)
from subgraphs.products.models import ReservationRecord
from subgraphs.products.search import ProductSearch
from subgraphs.products.types import (
    Category,
    Product,
    ProductConnection,
    ProductsInfo,
    StockMovement,
    StockReservation,
    product_connection,
)

PRODUCT_FIELDS = {
    "sku": "sku",
    "name": "name",
    "description": "description",
    "price": "price",
    "currency": "currency",
    "image_url": "image_url",
    "active": "active",
}


def _optional_id(value: strawberry.ID | None, field: str) -> uuid.UUID | None:
    return parse_id(value, field) if value is not None else None


async def _search_from(info: ProductsInfo, where: ProductFilter | None) -> ProductSearch:
    if where is None:
        return ProductSearch()
    category_ids: list[uuid.UUID] | None = None
    if where.category_id is not None or where.category_slug is not None:
        tree = await info.context.category_tree()
        category = (
            tree.get(parse_id(where.category_id, "categoryId"))
            if where.category_id is not None
            else tree.by_slug(str(where.category_slug))
        )
        if category is None:
            category_ids = []
        elif where.include_subcategories:
            category_ids = tree.descendants_and_self(category.id)
        else:
            category_ids = [category.id]
    text = where.search.strip() if where.search else None
    if text is not None and len(text) > 200:
        raise BadUserInputError("search must be at most 200 characters.", field="search")
    return ProductSearch(
        text=text or None,
        category_ids=category_ids,
        min_price=where.min_price,
        max_price=where.max_price,
        in_stock=where.in_stock,
        include_inactive=where.include_inactive,
    )


SettleReservation = Callable[..., Awaitable[ReservationRecord]]


async def _settle_reservation(
    info: ProductsInfo, order_id: strawberry.ID, operation: SettleReservation
) -> StockReservation:
    """Release, commit or return an order's reservation: the internal operations share one shape."""
    async with info.context.db.use() as session:
        record = await operation(
            session=session,
            caches=info.context.caches,
            caller=info.context.caller,
            order_id=parse_id(order_id, "orderId"),
        )
    return StockReservation.from_record(record)


@strawberry.type
class Query:
    @strawberry.field(description="A product by id; null when it does not exist or is not for sale.")
    async def product(self, info: ProductsInfo, id: strawberry.ID) -> Product | None:
        record = await info.context.loaders.products.load(parse_id(id))
        return (
            Product.from_record(record)
            if service.is_visible(record, info.context.caller) and record
            else None
        )

    @strawberry.field(description="A product by its SKU (case-insensitive).")
    async def product_by_sku(self, info: ProductsInfo, sku: str) -> Product | None:
        async with info.context.db.use() as session:
            record = await service.product_by_sku(session=session, caller=info.context.caller, sku=sku)
        return Product.from_record(record) if record is not None else None

    @strawberry.field(
        description="Products, filtered, sorted and paginated by cursor (at most 100 a page).",
        directives=[connection_size()],
    )
    async def products(
        self,
        info: ProductsInfo,
        filter: ProductFilter | None = None,
        sort: ProductSort | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProductConnection:
        search = await _search_from(info, filter)
        chosen = sort or (ProductSort.RELEVANCE if search.text else ProductSort.NEWEST)
        return await product_connection(info, search, chosen, first=first, after=after)

    @strawberry.field(description="A category by id or by slug.")
    async def category(
        self, info: ProductsInfo, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Category | None:
        if (id is None) == (slug is None):
            raise BadUserInputError("Give exactly one of id and slug.", field="id")
        tree = await info.context.category_tree()
        record = tree.get(parse_id(id)) if id is not None else tree.by_slug(str(slug))
        return Category.from_record(record) if record is not None else None

    @strawberry.field(
        description="Every category, parents before children; or only the roots.",
        directives=[assumed_size(50)],
    )
    async def categories(self, info: ProductsInfo, roots_only: bool = False) -> list[Category]:
        tree = await info.context.category_tree()
        return [Category.from_record(record) for record in (tree.roots() if roots_only else tree.all())]

    @strawberry.field(
        description="Admins: a product's stock ledger, newest first; null, with the error, for anyone else.",
        directives=[page_size()],
    )
    async def stock_movements(
        self, info: ProductsInfo, product_id: strawberry.ID, first: int | None = None
    ) -> list[StockMovement] | None:  # nullable: a refusal nulls this field only, not the whole answer
        async with info.context.db.use() as session:
            records = await service.stock_movements(
                session=session,
                caller=info.context.caller,
                product_id=parse_id(product_id, "productId"),
                first=first,
            )
        return [StockMovement.from_record(record) for record in records]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admins: add a product to the catalogue.")
    async def create_product(self, info: ProductsInfo, input: CreateProductInput) -> Product:
        values = given_fields(input, PRODUCT_FIELDS) | {
            "category_id": _optional_id(input.category_id, "categoryId")
        }
        async with info.context.db.use() as session:
            record = await service.create_product(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                values=values,
                initial_stock=input.initial_stock,
            )
        return Product.from_record(record)

    @strawberry.mutation(description="Admins: change a product's details.")
    async def update_product(
        self, info: ProductsInfo, id: strawberry.ID, input: UpdateProductInput
    ) -> Product:
        changes = given_fields(input, PRODUCT_FIELDS)
        if input.category_id is not strawberry.UNSET:
            changes["category_id"] = _optional_id(input.category_id, "categoryId")
        async with info.context.db.use() as session:
            record = await service.update_product(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                product_id=parse_id(id),
                changes=changes,
            )
        return Product.from_record(record)

    @strawberry.mutation(description="Admins: take a product out of the catalogue (orders still see it).")
    async def delete_product(self, info: ProductsInfo, id: strawberry.ID) -> Product:
        async with info.context.db.use() as session:
            record = await service.delete_product(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                product_id=parse_id(id),
            )
        return Product.from_record(record)

    @strawberry.mutation(description="Admins: add a category, under a parent or as a root.")
    async def create_category(self, info: ProductsInfo, input: CreateCategoryInput) -> Category:
        async with info.context.db.use() as session:
            record = await service.create_category(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                name=input.name,
                slug=input.slug,
                description=input.description,
                parent_id=_optional_id(input.parent_id, "parentId"),
            )
        return Category.from_record(record)

    @strawberry.mutation(description="Admins: rename a category or change its slug or description.")
    async def update_category(
        self, info: ProductsInfo, id: strawberry.ID, input: UpdateCategoryInput
    ) -> Category:
        changes = given_fields(input, {"name": "name", "slug": "slug", "description": "description"})
        async with info.context.db.use() as session:
            record = await service.update_category(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                category_id=parse_id(id),
                changes=changes,
            )
        return Category.from_record(record)

    @strawberry.mutation(description="Admins: move a category under another parent (null: make it a root).")
    async def move_category(
        self, info: ProductsInfo, id: strawberry.ID, parent_id: strawberry.ID | None = None
    ) -> Category:
        async with info.context.db.use() as session:
            record = await service.move_category(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                category_id=parse_id(id),
                parent_id=_optional_id(parent_id, "parentId"),
            )
        return Category.from_record(record)

    @strawberry.mutation(description="Admins: delete a category with no subcategories and no products.")
    async def delete_category(self, info: ProductsInfo, id: strawberry.ID) -> Category:
        async with info.context.db.use() as session:
            record = await service.delete_category(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                category_id=parse_id(id),
            )
        return Category.from_record(record)

    @strawberry.mutation(description="Admins: receive stock into the warehouse.")
    async def restock_product(
        self, info: ProductsInfo, id: strawberry.ID, quantity: int, note: str | None = None
    ) -> Product:
        async with info.context.db.use() as session:
            record = await service.restock(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                product_id=parse_id(id),
                quantity=quantity,
                note=note,
            )
        return Product.from_record(record)

    @strawberry.mutation(description="Admins: correct the on-hand count up or down, with a reason.")
    async def adjust_stock(self, info: ProductsInfo, id: strawberry.ID, delta: int, reason: str) -> Product:
        async with info.context.db.use() as session:
            record = await service.adjust_stock(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                product_id=parse_id(id),
                delta=delta,
                reason=reason,
            )
        return Product.from_record(record)

    @strawberry.federation.mutation(
        inaccessible=True,
        description="Internal (service credential): hold stock for an order, all or nothing.",
    )
    async def reserve_stock(
        self, info: ProductsInfo, order_id: strawberry.ID, items: list[StockLineInput]
    ) -> StockReservation:
        lines = [(parse_id(item.product_id, "productId"), item.quantity) for item in items]
        async with info.context.db.use() as session:
            record = await service.reserve_stock(
                session=session,
                caches=info.context.caches,
                caller=info.context.caller,
                order_id=parse_id(order_id, "orderId"),
                lines=lines,
                hold=info.context.reservation_hold,
            )
        return StockReservation.from_record(record)

    @strawberry.federation.mutation(
        inaccessible=True, description="Internal (service credential): give held stock back."
    )
    async def release_stock(self, info: ProductsInfo, order_id: strawberry.ID) -> StockReservation:
        return await _settle_reservation(info, order_id, service.release_stock)

    @strawberry.federation.mutation(
        inaccessible=True,
        description="Internal (service credential): give back all an order took (held or sold). Idempotent.",
    )
    async def return_stock(self, info: ProductsInfo, order_id: strawberry.ID) -> StockReservation:
        return await _settle_reservation(info, order_id, service.return_stock)

    @strawberry.federation.mutation(
        inaccessible=True, description="Internal (service credential): sell held stock."
    )
    async def commit_stock(self, info: ProductsInfo, order_id: strawberry.ID) -> StockReservation:
        return await _settle_reservation(info, order_id, service.commit_stock)
