"""Building catalogue data through the subgraph's own API, as an admin would."""

from __future__ import annotations

from typing import Any

from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

PUBLIC_PRODUCT_FIELDS = """
  id sku name description price currency imageUrl active createdAt updatedAt deletedAt
  category { id slug }
  stock { available inStock }
"""
PRODUCT_FIELDS = PUBLIC_PRODUCT_FIELDS + " stock { onHand reserved } "

CREATE_PRODUCT = f"""
mutation($input: CreateProductInput!) {{ createProduct(input: $input) {{ {PRODUCT_FIELDS} }} }}
"""

CREATE_CATEGORY = """
mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id name slug } }
"""


class Catalog:
    def __init__(self, gql: GraphQLClient, tokens: Tokens) -> None:
        self.gql = gql
        self.tokens = tokens

    async def category(
        self, name: str, parent: dict[str, Any] | None = None, slug: str | None = None
    ) -> dict[str, Any]:
        variables = {"input": {"name": name, "slug": slug, "parentId": parent["id"] if parent else None}}
        result = await self.gql.execute(CREATE_CATEGORY, variables, token=self.tokens.admin)
        category: dict[str, Any] = result.ok()["createCategory"]
        return category

    async def product(
        self,
        sku: str,
        name: str | None = None,
        *,
        price: str = "10.00",
        stock: int = 0,
        category: dict[str, Any] | None = None,
        description: str = "",
        active: bool = True,
    ) -> dict[str, Any]:
        variables = {
            "input": {
                "sku": sku,
                "name": name or sku,
                "price": price,
                "initialStock": stock,
                "categoryId": category["id"] if category else None,
                "description": description,
                "active": active,
            }
        }
        result = await self.gql.execute(CREATE_PRODUCT, variables, token=self.tokens.admin)
        product: dict[str, Any] = result.ok()["createProduct"]
        return product
