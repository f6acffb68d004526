"""`/api/v1/orders`: the legacy order endpoints, over the orders subgraph.

Customers see their own orders, admins every order. Placing one takes an optional card number (the
payment is simulated) and honours an `Idempotency-Key` header, so a retried POST places one order.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, status

from rest_compat.api.deps import ANY_ROUTE, Router, SignedIn
from rest_compat.client import RouterClient, operation
from rest_compat.errors import ApiError, not_found
from rest_compat.models import ErrorBody, OrderIn, OrderOut

router = APIRouter(prefix="/api/v1/orders", tags=["orders"], responses=ANY_ROUTE)
SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No valid access token."},
    403: {"model": ErrorBody, "description": "Not allowed."},
}


async def _pages(client: RouterClient, authorization: str, wanted: int) -> list[dict[str, Any]]:
    """The first `wanted` orders the caller may see, newest first (every order for an admin)."""
    caller = (await client.run(operation("orders", "Caller"), authorization=authorization))["me"]
    if caller is None:
        raise ApiError(401, "Sign in to see orders.", code="UNAUTHENTICATED")
    if caller.get("role") == "ADMIN":
        return await client.collect(
            operation("orders", "AllOrders"), lambda data: data["orders"], wanted, authorization=authorization
        )
    return await client.collect(
        operation("orders", "MyOrders"),
        lambda data: data["me"]["orders"],
        wanted,
        authorization=authorization,
    )


@router.get("", response_model=list[OrderOut], summary="List orders, newest first", responses=SIGNED_IN)
async def list_orders(
    client: Router,
    authorization: SignedIn,
    limit: int = Query(default=10, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=10_000),
) -> list[OrderOut]:
    nodes = await _pages(client, authorization, offset + limit)
    return [OrderOut.from_graphql(node) for node in nodes[offset : offset + limit]]


@router.get(
    "/{order_id:uuid}",
    response_model=OrderOut,
    summary="One order (its customer or an admin)",
    responses={**SIGNED_IN, 404: {"model": ErrorBody}},
)
async def get_order(order_id: uuid.UUID, client: Router, authorization: SignedIn) -> OrderOut:
    order = (
        await client.run(
            operation("orders", "GetOrder"),
            {"id": str(order_id)},
            authorization=authorization,
        )
    )["order"]
    if order is None:
        raise not_found("order")
    return OrderOut.from_graphql(order)


@router.post(
    "",
    response_model=OrderOut,
    status_code=status.HTTP_201_CREATED,
    summary="Place an order (customers)",
    responses={
        **SIGNED_IN,
        201: {
            "description": "The order.",
            "links": {
                "GetOrder": {
                    "operationId": "get_order_api_v1_orders__order_id__get",
                    "parameters": {"order_id": "$response.body#/order_id"},
                }
            },
        },
        402: {"model": ErrorBody, "description": "The (simulated) payment was declined."},
        404: {"model": ErrorBody, "description": "A product does not exist or is not for sale."},
        409: {"model": ErrorBody, "description": "Not enough stock."},
        422: {"model": ErrorBody},
        503: {"model": ErrorBody, "description": "The catalogue is unavailable; retry with the same key."},
    },
)
async def place_order(
    body: OrderIn,
    client: Router,
    authorization: SignedIn,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> OrderOut:
    order_input = {
        "items": [{"productId": line.product_id, "quantity": line.quantity} for line in body.items],
        "payment": {"cardNumber": body.card_number},
        "idempotencyKey": idempotency_key or uuid.uuid4().hex,
    }
    order = (
        await client.run(
            operation("orders", "PlaceOrder"), {"input": order_input}, authorization=authorization
        )
    )["placeOrder"]
    if order["status"] == "PAYMENT_FAILED":
        reason = (order.get("payment") or {}).get("failureReason")
        raise ApiError(
            402, "The payment was declined.", code="PAYMENT_DECLINED", reason=reason, order_id=order["id"]
        )
    return OrderOut.from_graphql(order)
