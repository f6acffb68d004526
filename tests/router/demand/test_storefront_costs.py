"""The estimated cost of Gocart's storefront operations against schema/supergraph.graphql: the figures of
the table in docs/router.md (Demand control), and each fits the anonymous budget by a wide margin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from router.config import DemandControlSettings
from router.supergraph import parse_supergraph
from tests.router.demand.library import estimate

SUPERGRAPH = parse_supergraph(
    (Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql").read_text(encoding="utf-8")
)
DEFAULTS = DemandControlSettings()

README_EXAMPLE = """{
  products(filter: { search: "hedphones" }, first: 5) {
    totalCount
    edges { node { name price currency stock { available } category { path { name } } } }
  }
  orders(first: 5) {
    edges { node { number status total customer { firstName email } items { quantity product { name } } } }
  }
}"""

CATALOGUE_PAGE = """query CataloguePage($after: String) {
  products(first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name price currency imageUrl stock { available inStock } category { id name slug } } }
  }
}"""

ORDERS_PAGE = """query MyOrders {
  me {
    orders(first: 10) {
      pageInfo { hasNextPage endCursor }
      edges { node { id number status total currency createdAt items { quantity unitPrice product { id name imageUrl } } } }
    }
  }
}"""

CATEGORY_PAGE = """query CategoryPage($slug: String!) {
  category(slug: $slug) {
    name
    path { name slug }
    children { name slug }
    products(first: 20) { edges { node { id name price currency stock { inStock } } } }
  }
}"""

PLACE_ORDER = """mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id number status total items { quantity product { name } } }
}"""

ORDER_INPUT = {
    "items": [{"productId": "p1", "quantity": 1}, {"productId": "p2", "quantity": 2}],
    "payment": {"method": "CARD", "cardNumber": "4242424242424242"},
    "idempotencyKey": "checkout-1",
}

# The table in docs/router.md: (operation, variables, estimated cost).
STOREFRONT: list[tuple[str, str, dict[str, Any], int]] = [
    ("README example", README_EXAMPLE, {}, 178),
    ("catalogue page", CATALOGUE_PAGE, {}, 87),
    ("category page", CATEGORY_PAGE, {"slug": "audio"}, 77),
    ("orders page", ORDERS_PAGE, {}, 223),
    ("place an order", PLACE_ORDER, {"input": ORDER_INPUT}, 35),
]


@pytest.mark.parametrize(
    ("query", "variables", "cost"), [row[1:] for row in STOREFRONT], ids=[row[0] for row in STOREFRONT]
)
def test_storefront_operation_costs_what_the_docs_say(
    query: str, variables: dict[str, Any], cost: int
) -> None:
    assert (
        estimate(query, variables, default_list_size=DEFAULTS.default_list_size, supergraph=SUPERGRAPH)
        == cost
    )


@pytest.mark.parametrize("cost", [row[3] for row in STOREFRONT], ids=[row[0] for row in STOREFRONT])
def test_storefront_operation_fits_the_anonymous_budget_ten_times(cost: int) -> None:
    assert cost * 10 <= DEFAULTS.max_cost_anonymous
