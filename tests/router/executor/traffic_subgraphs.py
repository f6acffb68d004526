"""Two subgraphs for the traffic-shaping tests, served over real HTTP.

`catalog` lists `count` items; `details` resolves their `detail` (and a `touch` mutation) the way its
`Script` says: answering, hanging until released, or failing with 503 for the next few requests. It
counts the requests it receives and the size of each `_entities` batch.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from testbed.sdl import supergraph_sdl

TYPES = """
type Query @join__type(graph: CATALOG) @join__type(graph: DETAILS) {
  items(count: Int!): [Item] @join__field(graph: CATALOG)
}

type Mutation @join__type(graph: DETAILS) {
  touch: Int @join__field(graph: DETAILS)
}

type Item @join__type(graph: CATALOG, key: "id") @join__type(graph: DETAILS, key: "id") {
  id: ID!
  name: String @join__field(graph: CATALOG)
  detail: String @join__field(graph: DETAILS)
}
"""


def traffic_supergraph(urls: dict[str, str]) -> str:
    return supergraph_sdl(urls, TYPES)


@dataclass
class Script:
    """What `details` does next, and what it has seen."""

    mode: Literal["answer", "hang"] = "answer"
    failures_left: int = 0
    broken_ids: frozenset[str] = frozenset()
    requests: int = 0
    batch_sizes: list[int] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def reset(self) -> None:
        self.mode, self.failures_left, self.broken_ids = "answer", 0, frozenset()
        self.requests, self.batch_sizes = 0, []
        self.released.clear()


def _json(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


async def _catalog(request: Request) -> Response:
    body = orjson.loads(await request.body())
    count = int(body["query"].split("count: ", 1)[1].split(")", 1)[0])
    items = [{"__typename": "Item", "id": f"item-{i}", "name": f"item {i}"} for i in range(count)]
    return _json({"data": {"items": items}})


def _entities(representations: list[dict[str, Any]], broken: frozenset[str]) -> dict[str, Any]:
    entities: list[Any] = []
    errors: list[dict[str, Any]] = []
    for index, representation in enumerate(representations):
        if representation["id"] in broken:
            entities.append(None)
            errors.append({"message": f"no detail for {representation['id']}", "path": ["_entities", index]})
        else:
            entities.append({"__typename": "Item", "detail": f"detail of {representation['id']}"})
    return {"data": {"_entities": entities}, **({"errors": errors} if errors else {})}


def details_app(script: Script) -> Starlette:
    async def graphql(request: Request) -> Response:
        body = orjson.loads(await request.body())
        script.requests += 1
        if script.mode == "hang":
            await asyncio.to_thread(script.released.wait, 30)
            return _json({"errors": [{"message": "released too late"}]})
        if script.failures_left > 0:
            script.failures_left -= 1
            return Response(b"<html>unavailable</html>", status_code=503, media_type="text/html")
        if body["query"].startswith("mutation"):
            return _json({"data": {"touch": script.requests}})
        representations = body["variables"]["representations"]
        script.batch_sizes.append(len(representations))
        return _json(_entities(representations, script.broken_ids))

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def catalog_app() -> Starlette:
    return Starlette(routes=[Route("/graphql", _catalog, methods=["POST"])])
