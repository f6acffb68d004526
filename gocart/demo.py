"""Demo orders, placed through the router the way a storefront would, once the stack is up.

Each demo order has a fixed idempotency key per customer, so starting the stack again finds the same
orders instead of placing new ones (and never charges twice).
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any

SUCCEEDS, DECLINED = "4242 4242 4242 4242", "4000 0000 0000 0002"


@dataclass(frozen=True)
class DemoOrder:
    customer: str
    key: str
    lines: tuple[tuple[str, int], ...]  # (sku, quantity)
    card: str = SUCCEEDS
    ship: bool = False


DEMO_ORDERS = (
    DemoOrder("ada@example.com", "demo-1", (("LT-AIR-13", 1), ("LT-DOCK-01", 1)), ship=True),
    DemoOrder("ada@example.com", "demo-2", (("BK-PYTH-1", 1), ("BK-DDIA-1", 1), ("KT-COFF-3", 2))),
    DemoOrder("grace@example.com", "demo-3", (("HP-QUIET-3", 1),)),
    DemoOrder("grace@example.com", "demo-4", (("CM-MIRR-24", 1),), card=DECLINED),
    DemoOrder("alan@example.com", "demo-5", (("SO-TENT-2", 1), ("SO-BOTL-1", 2))),
)


class GraphQL:
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Any:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.url, data=body, headers=headers)  # noqa: S310  (our router)
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            payload = json.loads(response.read())
        if payload.get("errors"):
            raise RuntimeError(payload["errors"][0]["message"])
        return payload["data"]


LOGIN = "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }"
PRODUCT = "query($sku: String!) { productBySku(sku: $sku) { id } }"
PLACE = """
mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id number status } }
"""
SHIP = 'mutation($id: ID!) { updateOrderStatus(id: $id, status: SHIPPED, note: "demo") { status } }'


def place_demo_orders(router_url: str, *, password: str, admin: tuple[str, str]) -> Counter[str]:
    """Place the demo orders through the router (and ship the one to ship); how many ended in each
    status, as the API names it (`PAID`, `SHIPPED`, `PAYMENT_FAILED`...), in the order first met."""
    graphql = GraphQL(router_url)
    tokens: dict[str, str] = {}
    admin_token = graphql(LOGIN, {"e": admin[0], "p": admin[1]})["login"]["accessToken"]
    statuses: Counter[str] = Counter()
    for demo in DEMO_ORDERS:
        if demo.customer not in tokens:
            login = graphql(LOGIN, {"e": demo.customer, "p": password})
            tokens[demo.customer] = login["login"]["accessToken"]
        items = [
            {"productId": graphql(PRODUCT, {"sku": sku})["productBySku"]["id"], "quantity": quantity}
            for sku, quantity in demo.lines
        ]
        payment = {"cardNumber": demo.card}
        variables = {"input": {"items": items, "payment": payment, "idempotencyKey": demo.key}}
        order = graphql(PLACE, variables, tokens[demo.customer])["placeOrder"]
        status = order["status"]  # an order placed before is found by its key, as it is now
        if demo.ship and status == "PAID":
            status = graphql(SHIP, {"id": order["id"]}, admin_token)["updateOrderStatus"]["status"]
        statuses[status] += 1
    return statuses


def describe_demo_orders(statuses: Counter[str]) -> str:
    """For the banner: `5 demo orders: 3 paid, 1 shipped, 1 payment failed` (most common first)."""
    counts = ", ".join(
        f"{count} {status.lower().replace('_', ' ')}" for status, count in statuses.most_common()
    )
    total = statuses.total()
    return f"{total} demo order{'' if total == 1 else 's'}: {counts}"
