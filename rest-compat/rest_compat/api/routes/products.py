"""`/products`: the legacy catalogue endpoints, over the products subgraph."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Response, status

from rest_compat.api.deps import ANY_ROUTE, Authorization, Router, resource_id
from rest_compat.client import RouterClient, operation
from rest_compat.errors import ApiError, not_found
from rest_compat.models import ErrorBody, ProductIn, ProductOut

router = APIRouter(prefix="/products", tags=["products"], responses=ANY_ROUTE)
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No valid access token."},
    403: {"model": ErrorBody, "description": "Admins only."},
    422: {"model": ErrorBody, "description": "The body is invalid."},
}


async def category_id(client: RouterClient, name: str | None) -> str | None:
    """The id of the category with this name (case-insensitive); 422 when there is none."""
    if name is None:
        return None
    categories = (await client.run(operation("products", "Categories")))["categories"]
    for category in categories:
        if category["name"].lower() == name.strip().lower():
            return str(category["id"])
    raise ApiError(422, f"There is no category named '{name}'.", code="BAD_USER_INPUT", field="category")


def product_fields(body: ProductIn, category: str | None) -> dict[str, Any]:
    return {
        "name": body.name,
        "description": body.description,
        "price": str(body.price),
        "imageUrl": body.image_url,
        "categoryId": category,
    }


@router.get("", response_model=list[ProductOut], summary="List products, newest first")
async def list_products(
    client: Router, limit: int = Query(default=200, ge=1, le=200, description="At most 200.")
) -> list[ProductOut]:
    nodes = await client.collect(operation("products", "ListProducts"), lambda data: data["products"], limit)
    return [ProductOut.from_graphql(node) for node in nodes]


@router.post(
    "",
    response_model=ProductOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a product (admins)",
    responses=ERRORS,
)
async def create_product(body: ProductIn, client: Router, authorization: Authorization) -> ProductOut:
    category = await category_id(client, body.category)
    product_input = {**product_fields(body, category), "sku": f"P-{uuid.uuid4().hex[:12].upper()}"}
    data = await client.run(
        operation("products", "CreateProduct"), {"input": product_input}, authorization=authorization
    )
    return ProductOut.from_graphql(data["createProduct"])


@router.get(
    "/{product_id}", response_model=ProductOut, summary="One product", responses={404: {"model": ErrorBody}}
)
async def get_product(product_id: str, client: Router, authorization: Authorization) -> ProductOut:
    product = (
        await client.run(
            operation("products", "GetProduct"),
            {"id": resource_id(product_id, "product")},
            authorization=authorization,
        )
    )["product"]
    if product is None:
        raise not_found("product")
    return ProductOut.from_graphql(product)


@router.put(
    "/{product_id}",
    response_model=ProductOut,
    summary="Replace a product's details (admins)",
    responses={**ERRORS, 404: {"model": ErrorBody}},
)
async def update_product(
    product_id: str, body: ProductIn, client: Router, authorization: Authorization
) -> ProductOut:
    pid = resource_id(product_id, "product")
    category = await category_id(client, body.category)
    data = await client.run(
        operation("products", "UpdateProduct"),
        {"id": pid, "input": product_fields(body, category)},
        authorization=authorization,
    )
    return ProductOut.from_graphql(data["updateProduct"])


@router.delete(
    "/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a product (admins)",
    responses={401: ERRORS[401], 403: ERRORS[403], 404: {"model": ErrorBody}},
)
async def delete_product(product_id: str, client: Router, authorization: Authorization) -> Response:
    await client.run(
        operation("products", "DeleteProduct"),
        {"id": resource_id(product_id, "product")},
        authorization=authorization,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
