"""Sending one GraphQL request to one subgraph over HTTP, through its pooled `UpstreamClient`.

A failed request raises `SubgraphFetchError` whose message is safe to show clients (the subgraph's name
and what went wrong, never host names, ports or exception reprs); the detail is logged here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import orjson

from router.errors import RouterError
from router.executor.upstream import (
    UpstreamClient,
    UpstreamConnectError,
    UpstreamError,
    UpstreamInvalidResponse,
)

logger = logging.getLogger(__name__)

FailureReason = Literal["connect", "timeout", "status", "invalid_response", "breaker_open"]
"""Why a fetch failed: the `reason` label of `gocart_router_subgraph_fetch_errors`."""


class SubgraphFetchError(RouterError):
    """The subgraph could not be reached or did not answer with a GraphQL JSON response.

    `str(error)` is the client-facing message: "HTTP fetch failed from '<service>': <description>".
    """

    def __init__(self, service: str, reason: FailureReason, description: str) -> None:
        self.service = service
        self.reason: FailureReason = reason
        super().__init__(f"HTTP fetch failed from '{service}': {description}")


@dataclass(frozen=True, slots=True)
class SubgraphResponse:
    """A subgraph's decoded GraphQL response and its `Cache-Control` header (None without one): how
    long the router may keep what it says, and for whom (router/entity_cache/)."""

    body: dict[str, Any]
    cache_control: str | None = None


class SubgraphFetcher(Protocol):
    """Sends a GraphQL request body to a subgraph and returns its decoded JSON response."""

    async def fetch(
        self,
        service: str,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        *,
        operation_kind: str,
    ) -> SubgraphResponse:
        """`operation_kind` is the subgraph operation's kind (`query`, `mutation`): only queries are
        safe to send twice."""
        ...

    def max_representations(self, service: str) -> int | None:
        """Most representations one `_entities` call to `service` may carry (None: no limit)."""
        ...


def _failure(service: str, reason: FailureReason, description: str, detail: str) -> SubgraphFetchError:
    logger.warning("fetch from subgraph %r failed (%s): %s", service, reason, detail)
    return SubgraphFetchError(service, reason, description)


class HttpFetcher:
    """Sends every request through one `UpstreamClient` (its connection pool and timeout)."""

    def __init__(self, client: UpstreamClient) -> None:
        self._client = client

    def max_representations(self, service: str) -> int | None:  # noqa: ARG002  (no limit of its own)
        return None

    async def fetch(
        self,
        service: str,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        *,
        operation_kind: str,
    ) -> SubgraphResponse:
        request_headers = {"content-type": "application/json", "accept": "application/json", **headers}
        try:
            answer = await self._client.post(
                url, orjson.dumps(body), request_headers, replayable=operation_kind == "query"
            )
        except TimeoutError as error:
            raise _failure(service, "timeout", "the subgraph timed out", f"{url}: {error!r}") from error
        except UpstreamConnectError as error:
            raise _failure(
                service, "connect", "the subgraph could not be reached", f"{url}: {error!r}"
            ) from error
        except UpstreamInvalidResponse as error:
            raise _failure(
                service, "invalid_response", "the subgraph's answer could not be read", f"{url}: {error!r}"
            ) from error
        except UpstreamError as error:
            raise _failure(
                service, "connect", "the connection to the subgraph failed", f"{url}: {error!r}"
            ) from error
        status, payload = answer.status, answer.body
        if status >= 500:
            raise _failure(
                service, "status", f"the subgraph answered HTTP {status}", f"{url}: {payload[:200]!r}"
            )
        try:
            decoded = orjson.loads(payload)
        except orjson.JSONDecodeError:
            decoded = None
        if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
            raise _failure(
                service,
                "invalid_response",
                f"the subgraph answered HTTP {status} without a GraphQL response",
                f"{url}: {payload[:200]!r}",
            )
        return SubgraphResponse(decoded, answer.headers.get("cache-control"))
