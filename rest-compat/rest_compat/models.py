"""Request and response bodies, with the documented snake_case field names.

Money is a JSON number here, as the legacy API documented it (it is an exact decimal string in
GraphQL; amounts are converted without binary rounding on the way in). What a request may hold is
what the subgraphs accept (`rest_compat.fields`), so the OpenAPI document says exactly that.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import MISSING, BaseModel, ConfigDict, Field

from rest_compat.fields import (
    NOT_BLANK_PATTERN,
    CardNumber,
    Email,
    ImageUrl,
    Name,
    NewPassword,
    Password,
    Phone,
    Price,
    Quantity,
    Uuid,
    text,
)

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

    name: Annotated[str, text(min_length=1, max_length=200, pattern=NOT_BLANK_PATTERN)]
    description: Annotated[str, text(max_length=10_000)] = ""
    price: Price
    category: Annotated[str, text(max_length=100)] | None = Field(
        default=None, description="The name of an existing category (case-insensitive); null for none."
    )
    image_url: ImageUrl | None = Field(default=None, description="An http(s) URL.")


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

    first_name: Name
    last_name: Name
    email: Email
    phone: Phone | None = Field(default=None, description="Empty or null for none.")
    password: NewPassword


class UserUpdate(BaseModel):
    """The fields a user record may change here (the password is changed through GraphQL)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"first_name": "Ada", "last_name": "King", "phone": "+44 20 7946 0019"}]
        }
    )

    # Left out means unchanged; only the phone can be cleared (with null or "").
    first_name: Name | MISSING = MISSING
    last_name: Name | MISSING = MISSING
    email: Email | MISSING = MISSING
    phone: Phone | MISSING | None = MISSING


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

    email: Annotated[str, text(min_length=1, max_length=254)]
    password: Password


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
    product_id: Uuid
    quantity: Quantity


class OrderIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [{"product_id": PRODUCT_ID, "quantity": 2}]}]}
    )

    items: list[OrderLineIn] = Field(
        min_length=1,
        max_length=100,
        description="Lines of one product are added up; at most 1000 of one product (422 when more).",
    )
    card_number: CardNumber = Field(
        default="4242 4242 4242 4242",
        description="Simulated payment: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. "
        "12 to 19 digits, spaces and hyphens ignored; it must also pass the Luhn check (422 when not).",
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
