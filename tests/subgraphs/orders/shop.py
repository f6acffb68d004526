"""Building a shop through the real products subgraph, and placing orders through the orders subgraph."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.orders import repository
from subgraphs.orders.models import StockTaskRecord
from subgraphs.orders.payments import SUCCESS_CARD
from tests.subgraphs.products.builders import Catalog
from tests.support.graphql import GraphQLClient, GraphQLResponse
from tests.support.tokens import Tokens

ORDER_FIELDS = """
  id number status currency subtotal total createdAt updatedAt
  customer { id }
  items { product { id } productName quantity unitPrice lineTotal }
  payment { status method cardLast4 transactionId failureReason refundId }
  history { from to at by note }
"""
PLACE_ORDER = f"""
mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ {ORDER_FIELDS} }} }}
"""
CANCEL_ORDER = f"""
mutation($id: ID!, $reason: String) {{ cancelOrder(id: $id, reason: $reason) {{ {ORDER_FIELDS} }} }}
"""
UPDATE_STATUS = f"""
mutation($id: ID!, $status: OrderStatus!, $note: String) {{
  updateOrderStatus(id: $id, status: $status, note: $note) {{ {ORDER_FIELDS} }}
}}
"""
ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
STOCK = "query($id: ID!) { product(id: $id) { stock { onHand reserved available } } }"
UPDATE_PRICE = (
    "mutation($id: ID!, $price: Decimal!) { updateProduct(id: $id, input: {price: $price}) { id } }"
)


def order_input(
    *lines: tuple[dict[str, Any], int], card: str = SUCCESS_CARD, key: str | None = None
) -> dict[str, Any]:
    return {
        "input": {
            "items": [{"productId": product["id"], "quantity": quantity} for product, quantity in lines],
            "payment": {"cardNumber": card},
            "idempotencyKey": key or str(uuid.uuid4()),
        }
    }


async def place(
    gql: GraphQLClient,
    token: str,
    *lines: tuple[dict[str, Any], int],
    card: str = SUCCESS_CARD,
    key: str | None = None,
) -> GraphQLResponse:
    return await gql.execute(PLACE_ORDER, order_input(*lines, card=card, key=key), token=token)


async def placed(
    gql: GraphQLClient,
    token: str,
    *lines: tuple[dict[str, Any], int],
    card: str = SUCCESS_CARD,
    key: str | None = None,
) -> dict[str, Any]:
    order: dict[str, Any] = (await place(gql, token, *lines, card=card, key=key)).ok()["placeOrder"]
    return order


class Shop(Catalog):
    """The catalogue side of a test: products made by an admin on the real products service."""

    def __init__(self, gql: GraphQLClient, tokens: Tokens) -> None:
        super().__init__(gql, tokens)

    async def stock_of(self, product: dict[str, Any]) -> dict[str, int]:
        result = await self.gql.execute(STOCK, {"id": product["id"]}, token=self.tokens.admin)
        stock: dict[str, int] = result.ok()["product"]["stock"]
        return stock

    async def set_price(self, product: dict[str, Any], price: str) -> None:
        (
            await self.gql.execute(
                UPDATE_PRICE, {"id": product["id"], "price": price}, token=self.tokens.admin
            )
        ).ok()


async def stock_task(engine: AsyncEngine, order_id: str) -> StockTaskRecord | None:
    """The stock operation orders still owes products for an order, if any."""
    async with AsyncSession(engine) as session:
        return await repository.get_stock_task(session=session, order_id=uuid.UUID(order_id))
