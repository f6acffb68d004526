"""The shop's four subgraphs as small Strawberry federation schemas over in-memory data.

They match `testbed/shop_supergraph.py` and are served over real HTTP by the fixtures.
Special inputs trigger failures: user "boom" raises, and product "ghost" is unknown to inventory.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.asgi import GraphQL

USERS = {"1": ("Ada Lovelace", "ada"), "2": ("Alan Turing", "alan")}
PRODUCTS = {"p1": ("Table", 899, 30), "p2": ("Couch", 1299, 80), "p3": ("Chair", 54, 10)}
STOCK = {"p1": True, "p2": False, "p3": True}
REVIEWS = [
    ("r1", "Love it!", "1", "p1"),
    ("r2", "Too expensive.", "1", "p2"),
    ("r3", "Could be better.", "2", "p3"),
    ("r4", "Prefer something else.", "2", "p1"),
]


# -- accounts -----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="User")
class AccountUser:
    id: strawberry.ID
    name: str | None
    username: str | None
    birth_date: str | None = "1815-12-10"

    @classmethod
    def resolve_reference(cls, **representation: Any) -> AccountUser | None:
        return account_user(str(representation["id"]))


def account_user(user_id: str) -> AccountUser | None:
    if user_id == "boom":
        raise ValueError("accounts exploded")
    found = USERS.get(user_id)
    return AccountUser(id=strawberry.ID(user_id), name=found[0], username=found[1]) if found else None


@strawberry.type(name="Query")
class AccountsQuery:
    @strawberry.field
    def me(self) -> AccountUser | None:
        return account_user("1")

    @strawberry.field
    def user(self, id: strawberry.ID) -> AccountUser | None:
        return account_user(str(id))


@strawberry.type(name="Mutation")
class AccountsMutation:
    @strawberry.mutation
    def login(self, username: str) -> AccountUser | None:
        return next((account_user(uid) for uid, (_, name) in USERS.items() if name == username), None)


# -- products -----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class CatalogProduct:
    upc: str
    name: str | None
    price: int | None
    weight: int | None

    @classmethod
    def resolve_reference(cls, **representation: Any) -> CatalogProduct | None:
        return catalog_product(str(representation["upc"]))


def catalog_product(upc: str) -> CatalogProduct | None:
    found = PRODUCTS.get(upc)
    return CatalogProduct(upc=upc, name=found[0], price=found[1], weight=found[2]) if found else None


@strawberry.input
class ProductFilter:
    max_price: int | None = None
    name_contains: str | None = None


@strawberry.enum
class Sort(Enum):
    NAME = "NAME"
    PRICE = "PRICE"


@strawberry.type(name="Query")
class ProductsQuery:
    @strawberry.field
    def search(self, filter: ProductFilter, sort: Sort = Sort.NAME) -> list[CatalogProduct]:
        found = [
            product
            for upc in PRODUCTS
            if (product := catalog_product(upc)) is not None
            and (filter.max_price is None or (product.price or 0) <= filter.max_price)
            and (filter.name_contains is None or filter.name_contains in (product.name or ""))
        ]
        if sort is Sort.PRICE:
            return sorted(found, key=lambda product: product.price or 0)
        return sorted(found, key=lambda product: product.name or "")

    @strawberry.field
    def top_products(self, first: int | None = 5) -> list[CatalogProduct | None] | None:
        return [catalog_product(upc) for upc in list(PRODUCTS)[: first or 0]]

    @strawberry.field
    def product(self, upc: str) -> CatalogProduct | None:
        if upc == "ghost":
            return CatalogProduct(upc="ghost", name="Ghost", price=1, weight=1)
        return catalog_product(upc)


@strawberry.type(name="Mutation")
class ProductsMutation:
    @strawberry.mutation
    def set_price(self, upc: str, price: int) -> CatalogProduct | None:
        found = PRODUCTS.get(upc)
        if found is None:
            return None
        PRODUCTS[upc] = (found[0], price, found[2])
        return catalog_product(upc)


# -- inventory ----------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["upc"], name="Product")
class StockedProduct:
    upc: str
    price: int | None = strawberry.federation.field(external=True, default=None)
    weight: int | None = strawberry.federation.field(external=True, default=None)

    @strawberry.field
    def in_stock(self) -> bool | None:
        return STOCK.get(self.upc)

    @strawberry.federation.field(requires=["price weight"])
    def shipping_estimate(self) -> int | None:
        if self.price is None or self.weight is None:
            return None
        return 0 if self.price > 1000 else self.weight // 2

    @classmethod
    def resolve_reference(cls, **representation: Any) -> StockedProduct | None:
        upc = str(representation["upc"])
        if upc == "ghost":
            return None
        return StockedProduct(upc=upc, price=representation.get("price"), weight=representation.get("weight"))


@strawberry.type(name="Query")
class InventoryQuery:
    @strawberry.field
    def inventory_ready(self) -> bool:
        return True


# -- reviews ------------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="User")
class ReviewUser:
    id: strawberry.ID
    username: str | None = strawberry.federation.field(external=True, default=None)

    @strawberry.field
    def reviews(self) -> list[Review] | None:
        return [review(row) for row in REVIEWS if row[2] == str(self.id)]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ReviewUser:
        return ReviewUser(id=strawberry.ID(str(representation["id"])))


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: str

    @strawberry.field
    def reviews(self) -> list[Review] | None:
        return [review(row) for row in REVIEWS if row[3] == self.upc]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ReviewedProduct:
        return ReviewedProduct(upc=str(representation["upc"]))


@strawberry.federation.type(keys=["id"])
class Review:
    id: strawberry.ID
    body: str | None
    author_id: strawberry.Private[str]
    product_upc: strawberry.Private[str]

    @strawberry.federation.field(provides=["username"])
    def author(self) -> ReviewUser | None:
        found = USERS.get(self.author_id)
        return ReviewUser(id=strawberry.ID(self.author_id), username=found[1] if found else None)

    @strawberry.field
    def product(self) -> ReviewedProduct | None:
        return ReviewedProduct(upc=self.product_upc)

    @classmethod
    def resolve_reference(cls, **representation: Any) -> Review | None:
        return next((review(row) for row in REVIEWS if row[0] == str(representation["id"])), None)


def review(row: tuple[str, str, str, str]) -> Review:
    return Review(id=strawberry.ID(row[0]), body=row[1], author_id=row[2], product_upc=row[3])


@strawberry.type(name="Query")
class ReviewsQuery:
    @strawberry.field
    def top_reviews(self) -> list[Review]:
        return [review(row) for row in REVIEWS]


@strawberry.type(name="Mutation")
class ReviewsMutation:
    @strawberry.mutation
    def add_review(self, upc: str, body: str) -> Review | None:
        row = (f"r{len(REVIEWS) + 1}", body, "1", upc)
        REVIEWS.append(row)
        return review(row)


def _schema(query: type, mutation: type | None = None, types: tuple[type, ...] = ()) -> strawberry.Schema:
    return strawberry.federation.Schema(query=query, mutation=mutation, types=types)


def shop_apps() -> dict[str, GraphQL[Any, Any]]:
    """ASGI apps for the four shop subgraphs, by subgraph name."""
    return {
        "accounts": GraphQL(_schema(AccountsQuery, AccountsMutation)),
        "products": GraphQL(_schema(ProductsQuery, ProductsMutation)),
        "inventory": GraphQL(_schema(InventoryQuery, types=(StockedProduct,))),
        "reviews": GraphQL(_schema(ReviewsQuery, ReviewsMutation)),
    }
