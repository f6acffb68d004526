"""Supergraph hot reload in one process: a changed supergraph file (or SIGHUP) is served once it parses
and plans; one that does not is refused and the old one keeps answering; requests in flight finish on
the gateway they started with."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from starlette.applications import Starlette

from router.config import HotReloadSettings, RouterSettings
from router.server import create_app
from router.server.reload import SupergraphReloader
from tests.router.server.reloading import (
    reloads,
    replace_file,
    shop_supergraph,
    short_sha256,
    until_reloads,
    write_in_place,
)
from tests.router.servers import free_port
from tests.support.servers import ThreadServer, serve

ME_NAME = "{ me { name } }"
ME_BIRTH_DATE = "{ me { birthDate } }"
ME_WITH_REVIEWS = "{ me { name reviews { body } } }"
POLL_SECONDS = 0.05


@dataclass
class Router:
    app: Starlette
    http: httpx.AsyncClient

    async def query(self, query: str) -> Any:
        response = await self.http.post("/graphql", json={"query": query})
        return response.json()

    @property
    def reloader(self) -> SupergraphReloader:
        reloader: SupergraphReloader | None = self.app.state.reloader
        assert reloader is not None
        return reloader


@asynccontextmanager
async def running(settings: RouterSettings) -> AsyncIterator[Router]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
            yield Router(app, http)


def reloading(path: Path, urls: dict[str, str], poll_seconds: float = POLL_SECONDS) -> RouterSettings:
    return RouterSettings(
        supergraph=path, subgraph_urls=urls, hot_reload=HotReloadSettings(poll_seconds=poll_seconds)
    )


@pytest.fixture
def live_supergraph(tmp_path: Path) -> Path:
    path = tmp_path / "supergraph.graphql"
    path.write_text(shop_supergraph(), encoding="utf-8")
    return path


@pytest.fixture
async def router(live_supergraph: Path, subgraph_urls: dict[str, str]) -> AsyncIterator[Router]:
    async with running(reloading(live_supergraph, subgraph_urls)) as started:
        yield started


def validation_code(body: Any) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_a_changed_supergraph_is_served_once_it_passes(router: Router, live_supergraph: Path) -> None:
    assert validation_code(await router.query(ME_BIRTH_DATE)) == "GRAPHQL_VALIDATION_FAILED"
    replace_file(live_supergraph, shop_supergraph(birth_date=True))
    await until_reloads(router.app, "applied", 1)
    assert await router.query(ME_BIRTH_DATE) == {"data": {"me": {"birthDate": "1815-12-10"}}}


async def test_a_file_edited_in_place_is_picked_up(router: Router, live_supergraph: Path) -> None:
    write_in_place(live_supergraph, shop_supergraph(birth_date=True))
    await until_reloads(router.app, "applied", 1)
    assert await router.query(ME_BIRTH_DATE) == {"data": {"me": {"birthDate": "1815-12-10"}}}


async def test_health_names_the_supergraph_served(router: Router, live_supergraph: Path) -> None:
    before = (await router.http.get("/health")).json()
    assert before["supergraph_sha256"] == short_sha256(shop_supergraph())
    replace_file(live_supergraph, shop_supergraph(birth_date=True))
    await until_reloads(router.app, "applied", 1)
    after = (await router.http.get("/health")).json()
    assert after["supergraph_sha256"] == short_sha256(shop_supergraph(birth_date=True))


async def test_subgraph_urls_come_from_the_new_supergraph(
    live_supergraph: Path, subgraph_urls: dict[str, str]
) -> None:
    others = {name: url for name, url in subgraph_urls.items() if name != "accounts"}
    nowhere = f"http://127.0.0.1:{free_port()}/graphql"
    write_in_place(live_supergraph, shop_supergraph({"accounts": nowhere}))
    async with running(reloading(live_supergraph, others)) as router:
        assert (await router.query(ME_NAME))["data"] == {"me": None}
        replace_file(live_supergraph, shop_supergraph({"accounts": subgraph_urls["accounts"]}))
        await until_reloads(router.app, "applied", 1)
        assert await router.query(ME_NAME) == {"data": {"me": {"name": "Ada Lovelace"}}}


async def test_a_supergraph_that_does_not_parse_is_refused(router: Router, live_supergraph: Path) -> None:
    replace_file(live_supergraph, "type Query {")
    await until_reloads(router.app, "refused", 1)
    assert await router.query(ME_NAME) == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert reloads(router.app, "applied") == 0
    health = (await router.http.get("/health")).json()
    assert health["supergraph_sha256"] == short_sha256(shop_supergraph())


async def test_a_refusal_is_counted_in_metrics(router: Router, live_supergraph: Path) -> None:
    replace_file(live_supergraph, "type Query {")
    await until_reloads(router.app, "refused", 1)
    exported = (await router.http.get("/metrics")).text
    assert 'gocart_router_supergraph_reloads_total{outcome="refused"} 1.0' in exported


async def test_a_supergraph_whose_root_field_cannot_be_planned_is_refused(
    router: Router, live_supergraph: Path
) -> None:
    replace_file(live_supergraph, shop_supergraph(birth_date=True, accounts_in_query=False))
    await until_reloads(router.app, "refused", 1)
    assert await router.query(ME_NAME) == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert validation_code(await router.query(ME_BIRTH_DATE)) == "GRAPHQL_VALIDATION_FAILED"


async def test_a_refused_supergraph_is_not_tried_again_until_it_changes(
    router: Router, live_supergraph: Path
) -> None:
    replace_file(live_supergraph, "type Query {")
    await until_reloads(router.app, "refused", 1)
    # Just written, so its stat is not trusted yet and each poll hashes it again.
    assert await router.reloader.poll() == "unchanged"
    assert await router.reloader.poll() == "unchanged"
    assert reloads(router.app, "refused") == 1


async def test_a_good_supergraph_after_a_refused_one_is_applied(
    router: Router, live_supergraph: Path
) -> None:
    replace_file(live_supergraph, "type Query {")
    await until_reloads(router.app, "refused", 1)
    replace_file(live_supergraph, shop_supergraph(birth_date=True))
    await until_reloads(router.app, "applied", 1)
    assert await router.query(ME_BIRTH_DATE) == {"data": {"me": {"birthDate": "1815-12-10"}}}


async def test_a_missing_file_is_refused_once(router: Router, live_supergraph: Path) -> None:
    os.remove(live_supergraph)
    await until_reloads(router.app, "refused", 1)
    assert await router.reloader.poll() == "unchanged"
    assert reloads(router.app, "refused") == 1
    assert await router.query(ME_NAME) == {"data": {"me": {"name": "Ada Lovelace"}}}


async def test_the_signal_reload_rebuilds_even_an_unchanged_supergraph(router: Router) -> None:
    serving = router.app.state.gateway
    assert await router.reloader.reload("sighup") == "applied"
    assert router.app.state.gateway is not serving
    assert await router.query(ME_NAME) == {"data": {"me": {"name": "Ada Lovelace"}}}


async def test_sighup_reloads_the_supergraph(live_supergraph: Path, subgraph_urls: dict[str, str]) -> None:
    # Polling every hour: only the signal can make the change show.
    async with running(reloading(live_supergraph, subgraph_urls, poll_seconds=3600)) as router:
        replace_file(live_supergraph, shop_supergraph(birth_date=True))
        # Never send SIGHUP without a handler: its default action would end the test run.
        assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        os.kill(os.getpid(), signal.SIGHUP)
        await until_reloads(router.app, "applied", 1)
        assert await router.query(ME_BIRTH_DATE) == {"data": {"me": {"birthDate": "1815-12-10"}}}


@dataclass
class HeldAccounts:
    """An accounts subgraph that answers `me` only when released, to hold a request in flight."""

    url: str
    arrived: asyncio.Event
    release: asyncio.Event


@pytest.fixture
async def held_accounts() -> AsyncIterator[HeldAccounts]:
    arrived, release = asyncio.Event(), asyncio.Event()
    app = FastAPI()

    @app.post("/graphql")
    async def answer() -> dict[str, Any]:
        arrived.set()
        await release.wait()
        return {"data": {"me": {"__typename": "User", "id": "1", "name": "Held Ada"}}}

    async with serve(app) as base_url:
        yield HeldAccounts(f"{base_url}/graphql", arrived, release)
        release.set()


async def test_a_request_in_flight_finishes_on_the_gateway_it_started_with(
    live_supergraph: Path, subgraph_urls: dict[str, str], held_accounts: HeldAccounts
) -> None:
    products_and_inventory = {
        name: url for name, url in subgraph_urls.items() if name in ("products", "inventory")
    }
    old = {"accounts": held_accounts.url, "reviews": subgraph_urls["reviews"]}
    write_in_place(live_supergraph, shop_supergraph(old))
    async with running(reloading(live_supergraph, products_and_inventory)) as router:
        in_flight = asyncio.create_task(router.query(ME_WITH_REVIEWS))
        await held_accounts.arrived.wait()
        # The new supergraph sends reviews nowhere: the held request's second fetch shows which it used.
        nowhere = f"http://127.0.0.1:{free_port()}/graphql"
        new = {"accounts": subgraph_urls["accounts"], "reviews": nowhere}
        replace_file(live_supergraph, shop_supergraph(new, birth_date=True))
        await until_reloads(router.app, "applied", 1)
        assert await router.query(ME_BIRTH_DATE) == {"data": {"me": {"birthDate": "1815-12-10"}}}
        held_accounts.release.set()
        reviews = [{"body": "Love it!"}, {"body": "Too expensive."}]
        assert await in_flight == {"data": {"me": {"name": "Held Ada", "reviews": reviews}}}


@pytest.fixture
def threaded_router(live_supergraph: Path, subgraph_urls: dict[str, str]) -> Iterator[tuple[Starlette, str]]:
    app = create_app(reloading(live_supergraph, subgraph_urls))
    server = ThreadServer(lambda: app)
    server.start()
    try:
        yield app, server.base_url
    finally:
        server.stop()


async def test_a_router_served_from_a_thread_reloads_by_polling(
    threaded_router: tuple[Starlette, str], live_supergraph: Path
) -> None:
    app, base_url = threaded_router
    replace_file(live_supergraph, shop_supergraph(birth_date=True))
    await until_reloads(app, "applied", 1)
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post("/graphql", json={"query": ME_BIRTH_DATE})
    assert response.json() == {"data": {"me": {"birthDate": "1815-12-10"}}}


async def test_no_watcher_when_hot_reload_is_disabled(
    live_supergraph: Path, subgraph_urls: dict[str, str]
) -> None:
    settings = RouterSettings(
        supergraph=live_supergraph, subgraph_urls=subgraph_urls, hot_reload=HotReloadSettings(enabled=False)
    )
    async with running(settings) as router:
        assert router.app.state.reloader is None
        assert await router.query(ME_NAME) == {"data": {"me": {"name": "Ada Lovelace"}}}
