"""Sending one GraphQL request to one subgraph over HTTP, through a pooled aiohttp session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
import orjson

from router.errors import RouterError


class SubgraphFetchError(RouterError):
    """The subgraph could not be reached or did not answer with a GraphQL JSON response."""

    def __init__(self, service: str, message: str) -> None:
        self.service = service
        super().__init__(message)


class SubgraphFetcher(Protocol):
    """Sends a GraphQL request body to a subgraph and returns its decoded JSON response."""

    async def fetch(
        self, service: str, url: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]: ...


class HttpFetcher:
    """The production fetcher: one shared `ClientSession` (connection pool) for all subgraphs."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def fetch(
        self, service: str, url: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        request_headers = {"content-type": "application/json", "accept": "application/json", **headers}
        try:
            async with self._session.post(url, data=orjson.dumps(body), headers=request_headers) as response:
                payload = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            raise SubgraphFetchError(service, f"HTTP fetch failed from '{service}': {error!r}") from error
        try:
            decoded = orjson.loads(payload)
        except orjson.JSONDecodeError:
            decoded = None
        if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
            raise SubgraphFetchError(
                service, f"HTTP fetch failed from '{service}': {status}: invalid GraphQL response"
            )
        return decoded
