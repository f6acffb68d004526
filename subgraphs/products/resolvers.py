"""Root queries and mutations of the products subgraph: parse arguments, call a use case, map records.

Resolvers hold no rules of their own: what input is valid lives in `schemas`, who may do what in
`services`. A resolver reads as one line of parsing, one call (`info.context.run`, which binds the
request's `ProductsDeps`) and one mapping.
"""

from __future__ import annotations

import uuid

import strawberry

from subgraphs.common.costs import assumed_size, connection_size, page_size
from subgraphs.common.errors import BadUserInputError
from subgraphs.common.ids import parse_id
from subgraphs.common.model_inputs import parse_input
from subgraphs.products.enums import ProductSort
from subgraphs.products.inputs import (
    CreateCategoryInput,
    CreateProductInput,
    ProductFilter,
    StockLineInput,
    UpdateCategoryInput,
    UpdateProductInput,
)
from subgraphs.products.schemas import (
    CategoryCreate,
    CategoryUpdate,
    ProductCreate,
    ProductUpdate,
    Restock,
    StockAdjustment,
    StockHold,
    optional_id,
)
from subgraphs.products.search import ProductSearch
from subgraphs.products.services import catalogue, categories, stock
from subgraphs.products.services.settlement import COMMIT, RELEASE, RETURN, Settlement, settle
from subgraphs.products.types import (
    Category,
    Product,
    ProductConnection,
    ProductsInfo,
    StockMovement,
    StockReservation,
    product_connection,
)


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


async def _settled(info: ProductsInfo, order_id: strawberry.ID, settlement: Settlement) -> StockReservation:
    """Release, return or commit: the internal settlements differ only in their `Settlement`."""
    record = await info.context.run(settle, parse_id(order_id, "orderId"), settlement)
    return StockReservation.from_record(record)


@strawberry.type
class Query:
    @strawberry.field(description="A product by id; null when it does not exist or is not for sale.")
    async def product(self, info: ProductsInfo, id: strawberry.ID) -> Product | None:
        record = await info.context.loaders.products.load(parse_id(id))
        return (
            Product.from_record(record, info.context)
            if catalogue.is_visible(record, info.context.caller) and record
            else None
        )

    @strawberry.field(description="A product by its SKU (case-insensitive).")
    async def product_by_sku(self, info: ProductsInfo, sku: str) -> Product | None:
        record = await info.context.run(catalogue.product_by_sku, sku)
        return Product.from_record(record, info.context) if record is not None else None

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
        product = parse_id(product_id, "productId")
        records = await info.context.run(stock.stock_movements, product, first=first)
        return [StockMovement.from_record(record) for record in records]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admins: add a product to the catalogue.")
    async def create_product(self, info: ProductsInfo, input: CreateProductInput) -> Product:
        new = parse_input(ProductCreate, input)
        return Product.from_record(await info.context.run(catalogue.create_product, new), info.context)

    @strawberry.mutation(description="Admins: change a product's details.")
    async def update_product(
        self, info: ProductsInfo, id: strawberry.ID, input: UpdateProductInput
    ) -> Product:
        update = parse_input(ProductUpdate, input)
        return Product.from_record(
            await info.context.run(catalogue.update_product, parse_id(id), update), info.context
        )

    @strawberry.mutation(description="Admins: take a product out of the catalogue (orders still see it).")
    async def delete_product(self, info: ProductsInfo, id: strawberry.ID) -> Product:
        return Product.from_record(
            await info.context.run(catalogue.delete_product, parse_id(id)), info.context
        )

    @strawberry.mutation(description="Admins: add a category, under a parent or as a root.")
    async def create_category(self, info: ProductsInfo, input: CreateCategoryInput) -> Category:
        new = parse_input(CategoryCreate, input)
        return Category.from_record(await info.context.run(categories.create_category, new))

    @strawberry.mutation(description="Admins: rename a category or change its slug or description.")
    async def update_category(
        self, info: ProductsInfo, id: strawberry.ID, input: UpdateCategoryInput
    ) -> Category:
        update = parse_input(CategoryUpdate, input)
        return Category.from_record(await info.context.run(categories.update_category, parse_id(id), update))

    @strawberry.mutation(description="Admins: move a category under another parent (null: make it a root).")
    async def move_category(
        self, info: ProductsInfo, id: strawberry.ID, parent_id: strawberry.ID | None = None
    ) -> Category:
        category, parent = parse_id(id), optional_id(parent_id, "parentId")
        return Category.from_record(await info.context.run(categories.move_category, category, parent))

    @strawberry.mutation(description="Admins: delete a category with no subcategories and no products.")
    async def delete_category(self, info: ProductsInfo, id: strawberry.ID) -> Category:
        return Category.from_record(await info.context.run(categories.delete_category, parse_id(id)))

    @strawberry.mutation(description="Admins: receive stock into the warehouse.")
    async def restock_product(
        self, info: ProductsInfo, id: strawberry.ID, quantity: int, note: str | None = None
    ) -> Product:
        received = parse_input(Restock, None, quantity=quantity, note=note)
        return Product.from_record(
            await info.context.run(stock.restock, parse_id(id), received), info.context
        )

    @strawberry.mutation(description="Admins: correct the on-hand count up or down, with a reason.")
    async def adjust_stock(self, info: ProductsInfo, id: strawberry.ID, delta: int, reason: str) -> Product:
        adjustment = parse_input(StockAdjustment, None, delta=delta, reason=reason)
        return Product.from_record(
            await info.context.run(stock.adjust_stock, parse_id(id), adjustment), info.context
        )

    @strawberry.federation.mutation(
        inaccessible=True,
        description="Internal (service credential): hold stock for an order, all or nothing.",
    )
    async def reserve_stock(
        self, info: ProductsInfo, order_id: strawberry.ID, items: list[StockLineInput]
    ) -> StockReservation:
        hold = parse_input(StockHold, None, lines=[(item.product_id, item.quantity) for item in items])
        record = await info.context.run(stock.reserve_stock, parse_id(order_id, "orderId"), hold)
        return StockReservation.from_record(record)

    @strawberry.federation.mutation(
        inaccessible=True, description="Internal (service credential): give held stock back."
    )
    async def release_stock(self, info: ProductsInfo, order_id: strawberry.ID) -> StockReservation:
        return await _settled(info, order_id, RELEASE)

    @strawberry.federation.mutation(
        inaccessible=True,
        description="Internal (service credential): give back all an order took (held or sold). Idempotent.",
    )
    async def return_stock(self, info: ProductsInfo, order_id: strawberry.ID) -> StockReservation:
        return await _settled(info, order_id, RETURN)

    @strawberry.federation.mutation(
        inaccessible=True, description="Internal (service credential): sell held stock."
    )
    async def commit_stock(self, info: ProductsInfo, order_id: strawberry.ID) -> StockReservation:
        return await _settled(info, order_id, COMMIT)
