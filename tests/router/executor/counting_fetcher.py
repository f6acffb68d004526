"""An `HttpFetcher` that records what the router sends (to `_entities`, and every request), to assert
no wasted work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.executor import HttpFetcher, SubgraphResponse
from router.executor.upstream import UpstreamClient


class CountingFetcher(HttpFetcher):
    """Records the variables of every `_entities` request sent (`sent`), and the subgraph and variables
    of every request (`requests`)."""

    def __init__(self, client: UpstreamClient) -> None:
        super().__init__(client)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []

    async def fetch(
        self,
        service: str,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        *,
        operation_kind: str,
    ) -> SubgraphResponse:
        self.requests.append((service, dict(body["variables"])))
        if "representations" in body["variables"]:
            self.sent.append((service, dict(body["variables"])))
        return await super().fetch(service, url, body, headers, operation_kind=operation_kind)
