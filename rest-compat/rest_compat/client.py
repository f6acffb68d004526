"""Running Gocart's named GraphQL operations (`operations/*.graphql`) against the router."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from rest_compat.access_log import REQUEST_ID_HEADER
from rest_compat.errors import ApiError, from_graphql_errors

OPERATIONS_DIR = Path(__file__).parent / "operations"


@dataclass(frozen=True)
class Operation:
    document: str
    name: str


@cache
def operation(file: str, name: str) -> Operation:
    """The named operation of `operations/<file>.graphql` (the whole file is sent; the router caches it)."""
    document = (OPERATIONS_DIR / f"{file}.graphql").read_text()
    if f" {name}" not in document:
        raise KeyError(f"no operation {name} in {file}.graphql")
    return Operation(document, name)


GRAPHQL_PAGE = 100
Connection = Callable[[dict[str, Any]], dict[str, Any]]


PROXY_SECRET_HEADER = "x-gocart-proxy-secret"  # noqa: S105  (a header name, not a secret)


class RouterClient:
    """Runs operations against the router on behalf of one REST client (`on_behalf_of`).

    As a proxy does, it tells the router who its client is (`X-Forwarded-For`), with the proxy secret
    that makes the router believe it: each REST client then has its own rate-limit and sign-in buckets.
    Only the address the REST layer resolved is passed on, never a hop its client wrote. The request's
    id goes along (`x-request-id`), so the router's and the subgraphs' lines of the request carry it too.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        proxy_secret: str | None = None,
        client_address: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self._session = session
        self._url = url
        self._proxy_secret = proxy_secret
        self._client_address = client_address
        self._request_id = request_id

    def on_behalf_of(self, client_address: str | None, *, request_id: str | None = None) -> RouterClient:
        """This client (same connection pool), passing `client_address` and `request_id` on to the router."""
        return RouterClient(
            self._session,
            self._url,
            proxy_secret=self._proxy_secret,
            client_address=client_address,
            request_id=request_id,
        )

    async def run(
        self, op: Operation, variables: dict[str, Any] | None = None, *, authorization: str | None = None
    ) -> dict[str, Any]:
        """The operation's data; an `ApiError` with the right status for anything else."""
        body = orjson.dumps({"query": op.document, "operationName": op.name, "variables": variables or {}})
        headers = {"content-type": "application/json"}
        if authorization:
            headers["authorization"] = authorization
        if self._client_address:
            headers["x-forwarded-for"] = self._client_address
        if self._proxy_secret:
            headers[PROXY_SECRET_HEADER] = self._proxy_secret
        if self._request_id:
            headers[REQUEST_ID_HEADER] = self._request_id
        try:
            async with self._session.post(self._url, data=body, headers=headers) as response:
                payload = orjson.loads(await response.read())
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ApiError(503, "The GraphQL router is unavailable.", code="UNAVAILABLE") from error
        except orjson.JSONDecodeError as error:
            raise ApiError(502, "The GraphQL router answered something that is not JSON.") from error
        errors = payload.get("errors") if isinstance(payload, dict) else None
        if errors:
            raise from_graphql_errors(errors)
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise ApiError(502, "The GraphQL router answered without data.")
        return data

    async def collect(
        self,
        op: Operation,
        connection: Connection,
        wanted: int,
        *,
        authorization: str | None = None,
    ) -> list[dict[str, Any]]:
        """The first `wanted` nodes of a cursor-paginated list, fetched a page (at most 100) at a time.

        `connection` picks the connection (`{edges, pageInfo}`) out of the operation's data.
        """
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        while len(nodes) < wanted:
            variables = {"first": min(GRAPHQL_PAGE, wanted - len(nodes)), "after": after}
            page = connection(await self.run(op, variables, authorization=authorization))
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        return nodes
