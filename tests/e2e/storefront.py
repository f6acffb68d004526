"""What a storefront and a back office send to the router, as small named operations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN, PASSWORD
from tests.support.graphql import GraphQLClient

CARD = "4242 4242 4242 4242"

REGISTER = """
mutation($email: String!, $password: String!) {
  register(input: {email: $email, password: $password, firstName: "Ada", lastName: "Lovelace"}) { id email }
}
"""
LOGIN = """
mutation($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { accessToken refreshToken user { id } }
}
"""
CREATE_CATEGORY = "mutation($name: String!) { createCategory(input: {name: $name}) { id slug } }"
CREATE_PRODUCT = """
mutation($input: CreateProductInput!) { createProduct(input: $input) { id sku name price } }
"""
PLACE_ORDER = """
mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id number status total items { quantity unitPrice product { id } } }
}
"""


@dataclass(frozen=True)
class Session:
    user_id: str
    access_token: str
    refresh_token: str


class Storefront:
    def __init__(self, router: GraphQLClient) -> None:
        self.router = router

    async def admin(self) -> Session:
        return await self.login(*BOOTSTRAP_ADMIN)

    async def login(self, email: str, password: str = PASSWORD) -> Session:
        payload = (await self.router.execute(LOGIN, {"email": email, "password": password})).ok()["login"]
        return Session(payload["user"]["id"], payload["accessToken"], payload["refreshToken"])

    async def customer(self) -> Session:
        email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
        (await self.router.execute(REGISTER, {"email": email, "password": PASSWORD})).ok()
        return await self.login(email)

    async def category(self, admin: Session, name: str) -> dict[str, Any]:
        result = await self.router.execute(CREATE_CATEGORY, {"name": name}, token=admin.access_token)
        category: dict[str, Any] = result.ok()["createCategory"]
        return category

    async def product(
        self, admin: Session, name: str, *, price: str = "10.00", stock: int = 10, category: str | None = None
    ) -> dict[str, Any]:
        product_input = {
            "sku": f"E2E-{uuid.uuid4().hex[:10]}",
            "name": name,
            "price": price,
            "initialStock": stock,
            "categoryId": category,
        }
        result = await self.router.execute(CREATE_PRODUCT, {"input": product_input}, token=admin.access_token)
        product: dict[str, Any] = result.ok()["createProduct"]
        return product

    async def place_order(
        self, customer: Session, *lines: tuple[dict[str, Any], int], card: str = CARD
    ) -> Any:
        order_input = {
            "items": [{"productId": product["id"], "quantity": quantity} for product, quantity in lines],
            "payment": {"cardNumber": card},
            "idempotencyKey": uuid.uuid4().hex,
        }
        return await self.router.execute(PLACE_ORDER, {"input": order_input}, token=customer.access_token)
