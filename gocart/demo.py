"""Demo orders, placed through the router the way a storefront would, once the stack is up.

Each demo order has a fixed idempotency key per customer, so starting the stack again finds the same
orders instead of placing new ones (and never charges twice).
"""

from __future__ import annotations

import http.client
import json
import urllib.error
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


class DemoOrdersFailed(RuntimeError):
    """The router answered something the demo cannot go on from: the banner says why, the stack runs on."""


class GraphQL:
    """POSTs operations to the router; every answer without the data asked for is a `DemoOrdersFailed`."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.url, data=body, headers=headers)  # noqa: S310  (our router)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                payload = _json_object(response.read())
        except urllib.error.HTTPError as error:
            # A GraphQL error can come with a 4xx status: its message says more than the status.
            payload = _json_object(error.read(), status=f"HTTP {error.code}")
        except http.client.HTTPException as error:
            raise DemoOrdersFailed(f"the router's answer was cut short ({error!r})") from error
        errors = payload.get("errors")
        if errors:
            first = errors[0] if isinstance(errors, list) and isinstance(errors[0], dict) else {}
            raise DemoOrdersFailed(str(first.get("message", errors)))
        data = payload.get("data")
        if not isinstance(data, dict):
            raise DemoOrdersFailed("the router answered without data")
        return data


def _json_object(body: bytes, *, status: str = "") -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as error:
        told = f" ({status})" if status else ""
        raise DemoOrdersFailed(f"the router's answer is not JSON{told}") from error
    if not isinstance(payload, dict):
        raise DemoOrdersFailed("the router's answer is not a JSON object")
    return payload


def _field(data: dict[str, Any], name: str, missing: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict):
        raise DemoOrdersFailed(missing)
    return value


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
    admin_token = _access_token(graphql, *admin)
    statuses: Counter[str] = Counter()
    for demo in DEMO_ORDERS:
        if demo.customer not in tokens:
            tokens[demo.customer] = _access_token(graphql, demo.customer, password)
        items = [{"productId": _product_id(graphql, sku), "quantity": count} for sku, count in demo.lines]
        payment = {"cardNumber": demo.card}
        variables = {"input": {"items": items, "payment": payment, "idempotencyKey": demo.key}}
        order = _field(graphql(PLACE, variables, tokens[demo.customer]), "placeOrder", "no order placed")
        status = order["status"]  # an order placed before is found by its key, as it is now
        if demo.ship and status == "PAID":
            shipped = graphql(SHIP, {"id": order["id"]}, admin_token)
            status = _field(shipped, "updateOrderStatus", "the order was not shipped")["status"]
        statuses[status] += 1
    return statuses


def _access_token(graphql: GraphQL, email: str, password: str) -> str:
    login = _field(graphql(LOGIN, {"e": email, "p": password}), "login", f"{email} could not sign in")
    return str(login["accessToken"])


def _product_id(graphql: GraphQL, sku: str) -> str:
    missing = f"no product with SKU {sku} (the demo orders need the seeded catalogue)"
    return str(_field(graphql(PRODUCT, {"sku": sku}), "productBySku", missing)["id"])


def describe_demo_orders(statuses: Counter[str]) -> str:
    """For the banner: `5 demo orders: 3 paid, 1 shipped, 1 payment failed` (most common first)."""
    counts = ", ".join(
        f"{count} {status.lower().replace('_', ' ')}" for status, count in statuses.most_common()
    )
    total = statuses.total()
    return f"{total} demo order{'' if total == 1 else 's'}: {counts}"
