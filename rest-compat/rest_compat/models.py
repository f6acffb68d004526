"""Request and response bodies, with the documented snake_case field names.

Money is a JSON number here, as the legacy API documented it (it is an exact decimal string in
GraphQL; amounts are converted without binary rounding on the way in).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PRODUCT_ID = "6a7ab0f0-3a0f-5cf4-8f4e-6a3f2ff0b0c1"
USER_ID = "0e7b0a59-2f1a-5a6e-9f0b-6a1b2c3d4e5f"


class Problem(BaseModel):
    field: str = Field(examples=["price"])
    message: str = Field(examples=["Input should be greater than or equal to 0"])


class ErrorBody(BaseModel):
    """Every error: a message, and where it helps a code, the field at fault, or the problems found."""

    error: str = Field(examples=["There is no such product."])
    code: str | None = Field(default=None, examples=["NOT_FOUND"])
    field: str | None = Field(default=None, examples=["price"])
    details: list[Problem] | None = None


class ProductIn(BaseModel):
    """A product as sent: no id (the server makes one)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Wireless Headphones",
                    "description": "Noise-cancelling, 30-hour battery.",
                    "price": 129.99,
                    "category": "Headphones",
                    "image_url": "https://images.example.com/headphones.jpg",
                }
            ]
        }
    )

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    price: Decimal = Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)
    category: str | None = Field(default=None, description="The category's name.", max_length=100)
    image_url: str | None = Field(default=None, max_length=2048)


class ProductOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "product_id": PRODUCT_ID,
                    "name": "Wireless Headphones",
                    "description": "Noise-cancelling, 30-hour battery.",
                    "price": 129.99,
                    "category": "Headphones",
                    "image_url": "https://images.example.com/headphones.jpg",
                }
            ]
        }
    )

    product_id: str
    name: str
    description: str
    price: float
    category: str | None
    image_url: str | None

    @classmethod
    def from_graphql(cls, node: dict[str, Any]) -> ProductOut:
        category = node.get("category") or {}
        return cls(
            product_id=node["id"],
            name=node["name"],
            description=node["description"],
            price=float(Decimal(node["price"])),
            category=category.get("name"),
            image_url=node.get("imageUrl"),
        )


class UserRegistration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "email": "ada@example.com",
                    "phone": "+44 20 7946 0018",
                    "password": "correct horse battery staple",
                }
            ]
        }
    )

    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    password: str = Field(min_length=1, max_length=1000, description="Write-only: never returned.")


class UserUpdate(BaseModel):
    """The fields a user record may change here (the password is changed through GraphQL)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"first_name": "Ada", "last_name": "King", "phone": "+44 20 7946 0019"}]
        }
    )

    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    email: str | None = Field(default=None, min_length=3, max_length=254)
    phone: str | None = Field(default=None, max_length=30)


class UserOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": USER_ID,
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "email": "ada@example.com",
                    "phone": "+44 20 7946 0018",
                    "created_at": "2026-11-25T10:00:00Z",
                    "updated_at": "2026-11-25T10:00:00Z",
                }
            ]
        }
    )

    user_id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_graphql(cls, node: dict[str, Any]) -> UserOut:
        return cls(
            user_id=node["id"],
            first_name=node["firstName"],
            last_name=node["lastName"],
            email=node.get("email"),
            phone=node.get("phone"),
            created_at=node["createdAt"],
            updated_at=node["updatedAt"],
        )


class Credentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "ada@example.com", "password": "correct horse battery staple"}]
        }
    )

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1000)


class LoginOut(BaseModel):
    """The original issued no token; ours returns the user and a JWT to send as a Bearer token."""

    user: UserOut
    access_token: str
    token_type: str = "Bearer"  # noqa: S105  (the OAuth token type, not a secret)
    expires_in: int


OrderStatus = Literal["pending", "confirmed", "shipped", "delivered", "cancelled"]
STATUS_FROM_GRAPHQL: dict[str, OrderStatus] = {
    "PENDING": "pending",
    "PAID": "confirmed",
    "SHIPPED": "shipped",
    "DELIVERED": "delivered",
    "CANCELLED": "cancelled",
    "PAYMENT_FAILED": "cancelled",
}


class OrderLineIn(BaseModel):
    product_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=1000)


class OrderIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [{"product_id": PRODUCT_ID, "quantity": 2}]}]}
    )

    items: list[OrderLineIn] = Field(min_length=1, max_length=100)
    card_number: str = Field(
        default="4242 4242 4242 4242",
        max_length=30,
        description="Simulated payment: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.",
    )


class OrderItemOut(BaseModel):
    order_item_id: str = Field(description="The order id and the product id: one line per product.")
    order_id: str
    product_id: str
    quantity: int
    price: float = Field(description="The unit price when the order was placed.")


class OrderOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "order_id": "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
                    "user_id": USER_ID,
                    "total_amount": 259.98,
                    "status": "confirmed",
                    "items": [
                        {
                            "order_item_id": f"5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d:{PRODUCT_ID}",
                            "order_id": "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d",
                            "product_id": PRODUCT_ID,
                            "quantity": 2,
                            "price": 129.99,
                        }
                    ],
                    "created_at": "2026-11-25T10:00:00Z",
                    "updated_at": "2026-11-25T10:00:00Z",
                }
            ]
        }
    )

    order_id: str
    user_id: str
    total_amount: float
    status: OrderStatus
    items: list[OrderItemOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_graphql(cls, node: dict[str, Any]) -> OrderOut:
        order_id = node["id"]
        items = []
        for item in node["items"]:
            product_id = (item.get("product") or {}).get("id", "")
            items.append(
                OrderItemOut(
                    order_item_id=f"{order_id}:{product_id}",
                    order_id=order_id,
                    product_id=product_id,
                    quantity=item["quantity"],
                    price=float(Decimal(item["unitPrice"])),
                )
            )
        return cls(
            order_id=order_id,
            user_id=node["customer"]["id"],
            total_amount=float(Decimal(node["total"])),
            status=STATUS_FROM_GRAPHQL[node["status"]],
            items=items,
            created_at=node["createdAt"],
            updated_at=node["updatedAt"],
        )
