"""GraphQL object types of the products subgraph, built from records (never from ORM rows)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import strawberry
from strawberry.types import Info

from subgraphs.common.auth import Role, require_role
from subgraphs.common.connections import Connection
from subgraphs.common.costs import assumed_size, connection_size, count_cost
from subgraphs.common.ids import parse_id
from subgraphs.common.later import WhenAwaited
from subgraphs.common.selection import selects_anywhere
from subgraphs.products.enums import MovementKind, ProductSort, ReservationStatus
from subgraphs.products.models import CategoryRecord, ProductRecord, ReservationRecord, StockMovementRecord
from subgraphs.products.search import ProductSearch
from subgraphs.products.services import catalogue

if TYPE_CHECKING:
    from subgraphs.products.category_tree import CategoryTree
    from subgraphs.products.context import ProductsContext

    ProductsInfo = Info[ProductsContext, None]
else:
    ProductsInfo = Info


def _admin_on_hand(root: Stock, info: ProductsInfo) -> int | None:
    require_role(info.context.caller, Role.ADMIN, Role.SERVICE)
    return root.on_hand_count


def _admin_reserved(root: Stock, info: ProductsInfo) -> int | None:
    require_role(info.context.caller, Role.ADMIN, Role.SERVICE)
    return root.reserved_count


@strawberry.type(description="Stock of a product: what is on hand, held by open orders, and for sale.")
class Stock:
    """`available` and `inStock` are plain values worked out once, so GraphQL reads them as attributes
    (no resolver call per field); only the admin-only counts keep a resolver, for their role check."""

    on_hand_count: strawberry.Private[int]
    reserved_count: strawberry.Private[int]
    on_hand: int | None = strawberry.field(
        resolver=_admin_on_hand,
        description="Units in the warehouse (admins only: null with an error for others).",
    )
    reserved: int | None = strawberry.field(
        resolver=_admin_reserved,
        description="Units held by unpaid orders (admins only: null with an error for others).",
    )
    available: int = strawberry.field(description="Units that can be ordered now.")
    in_stock: bool

    @classmethod
    def of(cls, *, on_hand: int, reserved: int) -> Stock:
        return cls(
            on_hand_count=on_hand,
            reserved_count=reserved,
            available=on_hand - reserved,
            in_stock=on_hand > reserved,
        )


@strawberry.federation.type(keys=["id"], description="A node of the category tree.")
class Category:
    id: strawberry.ID
    name: str
    slug: str
    description: str
    parent_id: strawberry.Private[uuid.UUID | None]
    category_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_record(cls, record: CategoryRecord) -> Category:
        return cls(
            id=strawberry.ID(str(record.id)),
            name=record.name,
            slug=record.slug,
            description=record.description,
            parent_id=record.parent_id,
            category_id=record.id,
        )

    @classmethod
    def in_tree(cls, tree: CategoryTree, category_id: uuid.UUID) -> Category | None:
        """The category `category_id` names in `tree`; None when the tree has no such node."""
        record = tree.get(category_id)
        return cls.from_record(record) if record is not None else None

    @classmethod
    async def resolve_reference(cls, info: ProductsInfo, id: strawberry.ID) -> Category | None:
        return cls.in_tree(await info.context.category_tree(), parse_id(id))

    @strawberry.field
    async def parent(self, info: ProductsInfo) -> Category | None:
        if self.parent_id is None:
            return None
        return Category.in_tree(await info.context.category_tree(), self.parent_id)

    @strawberry.field(directives=[assumed_size(10)])
    async def children(self, info: ProductsInfo) -> list[Category]:
        tree = await info.context.category_tree()
        return [Category.from_record(child) for child in tree.children(self.category_id)]

    @strawberry.field(
        description="The breadcrumb: from the root down to this category.", directives=[assumed_size(5)]
    )
    async def path(self, info: ProductsInfo) -> list[Category]:
        tree = await info.context.category_tree()
        return [Category.from_record(node) for node in tree.ancestors_and_self(self.category_id)]

    @strawberry.field(
        description="Products of this category (and, by default, of its descendants).",
        directives=[connection_size()],
    )
    async def products(
        self,
        info: ProductsInfo,
        first: int | None = None,
        after: str | None = None,
        sort: ProductSort = ProductSort.NEWEST,
        include_subcategories: bool = True,
    ) -> ProductConnection:
        tree = await info.context.category_tree()
        ids = tree.descendants_and_self(self.category_id) if include_subcategories else [self.category_id]
        return await product_connection(info, ProductSearch(category_ids=ids), sort, first=first, after=after)


@strawberry.federation.type(keys=["id"], description="Something the shop sells.")
class Product:
    id: strawberry.ID
    sku: str
    name: str
    description: str
    price: Decimal = strawberry.field(
        description="Unit price in `currency`, as a decimal string (never a float)."
    )
    currency: str = strawberry.field(description="ISO 4217 code of `price`.")
    image_url: str | None
    active: bool = strawberry.field(description="Whether the product is for sale.")
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = strawberry.field(
        description="Set when the product was removed from the catalogue."
    )
    stock: Stock
    category: CategoryAnswer = strawberry.field(graphql_type=Category | None)
    category_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_record(cls, record: ProductRecord, context: ProductsContext) -> Product:
        return cls(
            id=strawberry.ID(str(record.id)),
            sku=record.sku,
            name=record.name,
            description=record.description,
            price=record.price,
            currency=record.currency,
            image_url=record.image_url,
            active=record.active,
            created_at=record.created_at,
            updated_at=record.updated_at,
            deleted_at=record.deleted_at,
            stock=Stock.of(on_hand=record.stock_on_hand, reserved=record.stock_reserved),
            category=category_of(context, record.category_id),
            category_id=record.category_id,
        )

    @classmethod
    async def resolve_reference(cls, info: ProductsInfo, id: strawberry.ID) -> Product | None:
        product_id = parse_id(id)
        record = await info.context.loaders.products.load(product_id)
        return cls.from_record(record, info.context) if record is not None else None


CategoryAnswer = Category | WhenAwaited[Category | None] | None
"""A product's `category`: the category itself, or one to be read from the tree when asked."""


def category_of(context: ProductsContext, category_id: uuid.UUID | None) -> CategoryAnswer:
    """A product's category, a plain field's value: at once from the request's category tree when it
    is loaded (a listing loads it first when the page shows categories), else read from the tree only
    if the field is asked. A plain field is answered without a resolver call, which took about a fifth
    of a catalogue page's instructions with the category in it (`bench/instructions.py`)."""
    if category_id is None:
        return None
    tree = context.loaded_category_tree
    if tree is None:
        return WhenAwaited(lambda: _category_from_tree(context, category_id))
    return Category.in_tree(tree, category_id)


async def _category_from_tree(context: ProductsContext, category_id: uuid.UUID) -> Category | None:
    return Category.in_tree(await context.category_tree(), category_id)


@strawberry.type(description="A page of products; `totalCount` costs one more query, so ask only when shown.")
class ProductConnection(Connection[Product]):
    search: strawberry.Private[ProductSearch]

    @strawberry.field(description="How many products match, over all pages.", directives=[count_cost()])
    async def total_count(self, info: ProductsInfo) -> int:
        return await info.context.run(catalogue.count_products, self.search)


async def product_connection(
    info: ProductsInfo, search: ProductSearch, sort: ProductSort, *, first: int | None, after: str | None
) -> ProductConnection:
    """One page; the category tree is loaded first when the page shows categories, so each product's
    `category` resolves synchronously."""
    if selects_anywhere(info, "category"):
        await info.context.category_tree()
    page = await info.context.run(catalogue.list_products, search, sort, first=first, after=after)
    return ProductConnection.of(
        [(Product.from_record(record, info.context), cursor) for record, cursor in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        search=search,
    )


@strawberry.type(description="One entry of the stock ledger.")
class StockMovement:
    id: strawberry.ID
    kind: MovementKind
    on_hand_delta: int
    reserved_delta: int
    reason: str
    order_id: strawberry.ID | None
    actor: str | None
    created_at: datetime

    @classmethod
    def from_record(cls, record: StockMovementRecord) -> StockMovement:
        return cls(
            id=strawberry.ID(str(record.id)),
            kind=record.kind,
            on_hand_delta=record.on_hand_delta,
            reserved_delta=record.reserved_delta,
            reason=record.reason,
            order_id=strawberry.ID(str(record.order_id)) if record.order_id else None,
            actor=record.actor,
            created_at=record.created_at,
        )


@strawberry.federation.type(inaccessible=True, description="Internal: one product held by a reservation.")
class StockReservationItem:
    product_id: strawberry.ID
    quantity: int


@strawberry.federation.type(inaccessible=True, description="Internal: the stock an order holds.")
class StockReservation:
    order_id: strawberry.ID
    status: ReservationStatus
    items: list[StockReservationItem]

    @classmethod
    def from_record(cls, record: ReservationRecord) -> StockReservation:
        return cls(
            order_id=strawberry.ID(str(record.order_id)),
            status=record.status,
            items=[
                StockReservationItem(product_id=strawberry.ID(str(line.product_id)), quantity=line.quantity)
                for line in record.lines
            ],
        )
