"""Two subgraphs that answer with a `Cache-Control` header, for the entity cache tests.

`catalog` lists products (`Query.products`, public for a minute unless told otherwise) and has a
mutation (`touch`, answering the product it names, with the invalidation requests the test sets in
`extensions.invalidation`); `details`
resolves `Product.stock` (public, with the policy the test sets) and `Product.note` (private: it is
written for the caller, named by its Authorization header). What they answer comes from a `Backend`
the tests change, so a stale answer from the cache shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from testbed.sdl import supergraph_sdl

TYPES = """
type Query @join__type(graph: CATALOG) @join__type(graph: DETAILS) {
  products: [Product] @join__field(graph: CATALOG)
}

type Mutation @join__type(graph: CATALOG) {
  touch(id: ID!): Product @join__field(graph: CATALOG)
}

type Product @join__type(graph: CATALOG, key: "id") @join__type(graph: DETAILS, key: "id") {
  id: ID!
  name: String @join__field(graph: CATALOG)
  stock: Int @join__field(graph: DETAILS)
  note: String @join__field(graph: DETAILS)
}
"""

PUBLIC_MINUTE = "public, max-age=60"


def cache_control_supergraph(urls: dict[str, str]) -> str:
    return supergraph_sdl(urls, TYPES)


@dataclass
class Backend:
    """What the subgraphs answer now; `reset` before each test."""

    ids: list[str] = field(default_factory=list)
    stock: dict[str, int] = field(default_factory=dict)
    catalog_policy: str | None = PUBLIC_MINUTE
    details_policy: str | None = PUBLIC_MINUTE
    failing: set[str] = field(default_factory=set)  # product ids whose details answer an error
    invalidation: list[dict[str, Any]] = field(default_factory=list)  # what `touch` says it changed

    def reset(self) -> None:
        self.ids = ["p1", "p2"]
        self.stock = {"p1": 10, "p2": 20, "p3": 30}
        self.catalog_policy = PUBLIC_MINUTE
        self.details_policy = PUBLIC_MINUTE
        self.failing = set()
        self.invalidation = []


def _answer(payload: dict[str, Any], cache_control: str | None) -> Response:
    headers = {"cache-control": cache_control} if cache_control is not None else None
    return Response(orjson.dumps(payload), media_type="application/json", headers=headers)


def cache_control_apps(backend: Backend) -> dict[str, Starlette]:
    async def catalog(request: Request) -> Response:
        body = orjson.loads(await request.body())
        if body["query"].lstrip().startswith("mutation"):
            touched = {"__typename": "Product", "id": body["variables"].get("id", "p1")}
            answer: dict[str, Any] = {"data": {"touch": touched}}
            if backend.invalidation:
                answer["extensions"] = {"invalidation": backend.invalidation}
            return _answer(answer, "no-store")
        products = [{"__typename": "Product", "id": id_, "name": f"name of {id_}"} for id_ in backend.ids]
        return _answer({"data": {"products": products}}, backend.catalog_policy)

    async def details(request: Request) -> Response:
        body = orjson.loads(await request.body())
        caller = request.headers.get("authorization")
        entities: list[Any] = []
        errors = []
        for index, representation in enumerate(body["variables"]["representations"]):
            product = representation["id"]
            if product in backend.failing:
                entities.append(None)
                errors.append({"message": "details failed", "path": ["_entities", index]})
                continue
            entities.append({"stock": backend.stock.get(product), "note": f"note of {product} for {caller}"})
        policy = "private, max-age=60" if "note" in body["query"] else backend.details_policy
        payload: dict[str, Any] = {"data": {"_entities": entities}}
        if errors:
            payload["errors"] = errors
        return _answer(payload, policy)

    return {
        "catalog": Starlette(routes=[Route("/graphql", catalog, methods=["POST"])]),
        "details": Starlette(routes=[Route("/graphql", details, methods=["POST"])]),
    }
