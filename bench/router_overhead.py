"""Router overhead without network: planning (cold and cached) and execution with canned subgraph answers.

Run: `python bench/router_overhead.py`. Prints figures; nothing is asserted.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import parse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from router.demand import CostEstimates, actual_cost
from router.executor import SubgraphResponse
from router.gateway import Gateway, GraphQLRequest
from router.planner import QueryPlanner
from router.supergraph import parse_supergraph
from testbed.shop_supergraph import SHOP

QUERY = "{ topProducts(first: 100) { upc name shippingEstimate reviews { body author { username name } } } }"
PRODUCTS = 100


class CannedFetcher:
    """Answers like the shop subgraphs would, without HTTP, so only router work is measured."""

    def max_representations(self, service: str) -> None:  # noqa: ARG002
        return None

    async def fetch(
        self,
        service: str,
        url: str,  # noqa: ARG002
        body: Mapping[str, Any],
        headers: Mapping[str, str],  # noqa: ARG002
        *,
        operation_kind: str,  # noqa: ARG002
    ) -> SubgraphResponse:
        if service == "products" and "_entities" not in body["query"]:
            products = [
                {"__typename": "Product", "upc": f"p{i}", "name": f"P{i}", "price": 10 + i, "weight": i}
                for i in range(PRODUCTS)
            ]
            return SubgraphResponse({"data": {"topProducts": products}})
        representations = body["variables"]["representations"]
        if service == "inventory":
            return SubgraphResponse(
                {"data": {"_entities": [{"shippingEstimate": r["weight"] // 2} for r in representations]}}
            )
        if service == "reviews":
            author = {"username": "ada", "__typename": "User", "id": "1"}
            reviews = [{"body": "ok", "author": author} for _ in range(3)]
            return SubgraphResponse({"data": {"_entities": [{"reviews": reviews} for _ in representations]}})
        return SubgraphResponse({"data": {"_entities": [{"name": "Ada"} for _ in representations]}})


def rate(label: str, count: int, seconds: float) -> None:
    print(f"{label:<44} {count / seconds:>12,.0f} /s   ({seconds / count * 1e6:,.1f} µs each)")


async def main() -> None:
    supergraph = parse_supergraph(SHOP)
    planner = QueryPlanner(supergraph)
    document = parse(QUERY)
    rounds = 300
    start = time.perf_counter()
    for _ in range(rounds):
        planner.build(document)
    rate("plan (cold, no cache)", rounds, time.perf_counter() - start)

    gateway = Gateway(supergraph, CannedFetcher(), dict.fromkeys(supergraph.graphs, "http://unused"))
    rounds = 20_000
    start = time.perf_counter()
    for _ in range(rounds):
        gateway.prepare(QUERY, None)
    rate("parse+validate+plan (cached)", rounds, time.perf_counter() - start)

    rounds = 200
    start = time.perf_counter()
    for _ in range(rounds):
        await gateway.execute(GraphQLRequest(QUERY), {})
    elapsed = time.perf_counter() - start
    rate(f"execute ({PRODUCTS} products, 4 fetches, shaped)", rounds, elapsed)

    # What demand control measures on every answer (`cost.actual`), on that response.
    data = (await gateway.execute(GraphQLRequest(QUERY), {}))["data"]
    operation = gateway.prepare(QUERY, None).plan.operation
    rounds = 1_000
    start = time.perf_counter()
    for _ in range(rounds):
        actual_cost(supergraph, operation, {}, data)
    rate(
        f"actual cost of that response ({PRODUCTS} products), compiled afresh",
        rounds,
        time.perf_counter() - start,
    )
    estimates = CostEstimates()  # what the router does: the layouts kept per operation and variables
    start = time.perf_counter()
    for _ in range(rounds):
        estimates.measure(supergraph, operation, {}, data)
    rate(
        f"actual cost of that response ({PRODUCTS} products), layouts kept",
        rounds,
        time.perf_counter() - start,
    )


if __name__ == "__main__":
    asyncio.run(main())
