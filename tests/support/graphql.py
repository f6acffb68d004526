"""Calling a GraphQL endpoint in tests, as a client would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class GraphQLResponse:
    status: int
    data: Any
    errors: list[dict[str, Any]]
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [error.get("extensions", {}).get("code") for error in self.errors]

    def ok(self) -> Any:
        """The data, after checking there were no errors."""
        assert not self.errors, self.errors
        return self.data


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, path: str = "/graphql") -> None:
        self._http = http
        self._path = path

    async def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> GraphQLResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self._http.post(
            self._path, json={"query": query, "variables": variables or {}}, headers=headers
        )
        body = response.json()
        return GraphQLResponse(
            status=response.status_code,
            data=body.get("data"),
            errors=body.get("errors") or [],
            extensions=body.get("extensions") or {},
        )
