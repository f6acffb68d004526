"""`/products`: the legacy catalogue endpoints, over the products subgraph.

Writes are for admins. A product's `category` names an existing category. An unknown name is 409: the
body is valid (the document cannot list the categories), it conflicts with the catalogue as it is, and
creating the category first resolves it. (Not 404, which would say the product itself is missing.)
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Response, status

from rest_compat.api.deps import ANY_ROUTE, OPTIONAL_SIGN_IN, Authorization, Router, SignedIn
from rest_compat.client import RouterClient, operation
from rest_compat.errors import ApiError, not_found
from rest_compat.models import ErrorBody, ProductIn, ProductOut

router = APIRouter(prefix="/products", tags=["products"], responses=ANY_ROUTE)
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No valid access token."},
    403: {"model": ErrorBody, "description": "Admins only."},
    422: {"model": ErrorBody, "description": "The body is invalid."},
}
NO_SUCH_CATEGORY: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "There is no category of that name (`field: category`)."}
}
# What a created product's id leads to (OpenAPI links, which stateful clients and fuzzers follow).
PRODUCT_LINKS = {
    name: {"operationId": operation_id, "parameters": {"product_id": "$response.body#/product_id"}}
    for name, operation_id in (
        ("GetProduct", "get_product_products__product_id__get"),
        ("UpdateProduct", "update_product_products__product_id__put"),
        ("DeleteProduct", "delete_product_products__product_id__delete"),
    )
}


async def category_id(client: RouterClient, authorization: str, name: str | None) -> str | None:
    """The id of the category with this name (case-insensitive); 409 when there is none.

    The caller is checked first (401, 403), so that only an admin learns about categories this way.
    """
    if name is None:
        return None
    data = await client.run(operation("products", "ProductWriter"), authorization=authorization)
    if data["me"] is None:
        raise ApiError(401, "Sign in to change the catalogue.", code="UNAUTHENTICATED")
    if data["me"]["role"] != "ADMIN":
        raise ApiError(403, "Only an admin can change the catalogue.", code="FORBIDDEN")
    for category in data["categories"]:
        if category["name"].lower() == name.strip().lower():
            return str(category["id"])
    raise ApiError(409, f"There is no category named '{name}'.", code="CONFLICT", field="category")


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
    responses={**ERRORS, **NO_SUCH_CATEGORY, 201: {"description": "The product.", "links": PRODUCT_LINKS}},
)
async def create_product(body: ProductIn, client: Router, authorization: SignedIn) -> ProductOut:
    category = await category_id(client, authorization, body.category)
    product_input = {**product_fields(body, category), "sku": f"P-{uuid.uuid4().hex[:12].upper()}"}
    data = await client.run(
        operation("products", "CreateProduct"), {"input": product_input}, authorization=authorization
    )
    return ProductOut.from_graphql(data["createProduct"])


@router.get(
    "/{product_id:uuid}",
    response_model=ProductOut,
    summary="One product (admins also see those not for sale)",
    responses={404: {"model": ErrorBody}},
    openapi_extra=OPTIONAL_SIGN_IN,
)
async def get_product(product_id: uuid.UUID, client: Router, authorization: Authorization) -> ProductOut:
    product = (
        await client.run(
            operation("products", "GetProduct"),
            {"id": str(product_id)},
            authorization=authorization,
        )
    )["product"]
    if product is None:
        raise not_found("product")
    return ProductOut.from_graphql(product)


@router.put(
    "/{product_id:uuid}",
    response_model=ProductOut,
    summary="Replace a product's details (admins)",
    responses={**ERRORS, **NO_SUCH_CATEGORY, 404: {"model": ErrorBody}},
)
async def update_product(
    product_id: uuid.UUID, body: ProductIn, client: Router, authorization: SignedIn
) -> ProductOut:
    pid = str(product_id)
    category = await category_id(client, authorization, body.category)
    data = await client.run(
        operation("products", "UpdateProduct"),
        {"id": pid, "input": product_fields(body, category)},
        authorization=authorization,
    )
    return ProductOut.from_graphql(data["updateProduct"])


@router.delete(
    "/{product_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a product (admins)",
    responses={401: ERRORS[401], 403: ERRORS[403], 404: {"model": ErrorBody}},
)
async def delete_product(product_id: uuid.UUID, client: Router, authorization: SignedIn) -> Response:
    await client.run(
        operation("products", "DeleteProduct"),
        {"id": str(product_id)},
        authorization=authorization,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
