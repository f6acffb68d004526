"""The access line: one per request at info, or at debug only when `access_log` is off."""

from __future__ import annotations

import httpx
import pytest
import structlog
from asgi_lifespan import LifespanManager

from router.config import RouterSettings
from router.server import create_app


@pytest.mark.parametrize(("access_log", "level"), [(True, "info"), (False, "debug")])
async def test_graphql_request_access_line_level_follows_the_setting(
    settings: RouterSettings, access_log: bool, level: str
) -> None:
    app = create_app(settings.model_copy(update={"access_log": access_log}))
    with structlog.testing.capture_logs() as lines:
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
                await http.post("/graphql", json={"query": "{ __typename }"})
    access = [line for line in lines if line["event"] == "request" and line.get("path") == "/graphql"]
    assert [line["log_level"] for line in access] == [level]
