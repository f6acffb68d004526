"""Subgraphs that misbehave on purpose, served over HTTP as tiny Starlette apps.

`catalog` lists items whose ids encode a scenario; `details` answers `_entities` for those ids in the
way the scenario asks: short lists, null entities with errors, HTTP failures, invalid JSON.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from testbed.sdl import supergraph_sdl

Handler = Callable[[dict[str, Any], Request], tuple[int, bytes]]

TYPES = """
type Query @join__type(graph: CATALOG) @join__type(graph: DETAILS) {
  items(scenario: String!): [Item] @join__field(graph: CATALOG)
  item(scenario: String!): Item! @join__field(graph: CATALOG)
  headers: [String] @join__field(graph: DETAILS)
}

type Item @join__type(graph: CATALOG, key: "id") @join__type(graph: DETAILS, key: "id") {
  id: ID!
  name: String @join__field(graph: CATALOG)
  detail: String @join__field(graph: DETAILS)
  strict: String! @join__field(graph: DETAILS)
  kind: Kind @join__field(graph: CATALOG)
}

enum Kind @join__type(graph: CATALOG) {
  BOOK @join__enumValue(graph: CATALOG)
  SECRET @join__enumValue(graph: CATALOG) @inaccessible
}
"""


def scripted_supergraph(urls: dict[str, str]) -> str:
    return supergraph_sdl(urls, TYPES)


def _json(payload: Any, status: int = 200) -> tuple[int, bytes]:
    return status, orjson.dumps(payload)


def catalog(body: dict[str, Any], request: Request) -> tuple[int, bytes]:
    scenario = str((body.get("variables") or {}).get("scenario") or _literal_scenario(body["query"]))
    items: list[Any] = [
        {"__typename": "Item", "id": f"{scenario}-{index}", "name": f"item {index}", "kind": kind}
        for index, kind in enumerate(("BOOK", "SECRET", "BOOK"))
    ]
    if scenario == "nullkey":
        items[1] = {"__typename": "Item", "id": None, "name": "no id"}
    if scenario == "dup":
        items = [{"__typename": "Item", "id": "dup-0", "name": "same"} for _ in items]
    if "item(" in body["query"]:
        return _json({"data": {"item": items[0]}})
    return _json({"data": {"items": items}})


def _literal_scenario(query: str) -> str:
    return query.split('scenario: "', 1)[1].split('"', 1)[0] if 'scenario: "' in query else ""


def details(body: dict[str, Any], request: Request) -> tuple[int, bytes]:
    if "_entities" not in body["query"]:
        return _json(
            {
                "data": {
                    "headers": [
                        request.headers.get("authorization"),
                        request.headers.get("x-request-id"),
                        request.headers.get("cookie"),
                    ]
                }
            }
        )
    representations = body["variables"]["representations"]
    scenario = representations[0]["id"].split("-")[0]
    entities: list[Any] = [
        {"__typename": "Item", "detail": f"detail of {rep['id']}", "strict": "ok"} for rep in representations
    ]
    if scenario == "short":
        return _json({"data": {"_entities": entities[:1]}})
    if scenario == "nullentities":
        return _json({"data": {"_entities": None}, "errors": [{"message": "nope"}]})
    if scenario == "partial":
        entities[1] = None
        return _json(
            {
                "data": {"_entities": entities},
                "errors": [{"message": "detail failed", "path": ["_entities", 1, "detail"]}],
            }
        )
    if scenario == "strictnull":
        entities[-1]["strict"] = None
        last = len(entities) - 1
        return _json(
            {
                "data": {"_entities": entities},
                "errors": [{"message": "strict failed", "path": ["_entities", last, "strict"]}],
            }
        )
    if scenario == "down":
        return 503, b"<html>service unavailable</html>"
    if scenario == "dup":
        entities = [
            {"__typename": "Item", "detail": f"{len(representations)} representations"}
            for _ in representations
        ]
    return _json({"data": {"_entities": entities}})


def scripted_app(handler: Handler) -> Starlette:
    async def graphql(request: Request) -> Response:
        status, payload = handler(orjson.loads(await request.body()), request)
        return Response(payload, status_code=status, media_type="application/json")

    endpoint: Callable[[Request], Awaitable[Response]] = graphql
    return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])


def scripted_apps() -> dict[str, Starlette]:
    return {"catalog": scripted_app(catalog), "details": scripted_app(details)}
