"""`gocart serve`: a subgraph is served with the heap it built at start-up frozen out of collections,
once its app's lifespan has started (so the pools and clients it opens are frozen too)."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from types import SimpleNamespace

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from gocart import serve
from gocart.servers import Service

pytestmark = pytest.mark.usefixtures("unfrozen_heap")  # serving freezes the heap


@pytest.fixture
def bare_products(monkeypatch: pytest.MonkeyPatch) -> None:
    """`products` is a bare FastAPI app served from minimal settings, its logging left alone."""
    settings = SimpleNamespace(log_level="INFO", log_json=True, workers=1, host="127.0.0.1", port=0)
    monkeypatch.setitem(serve.SUBGRAPH_LOADERS, "products", lambda: (settings, FastAPI))
    monkeypatch.setattr(serve, "configure_logging", lambda **_: None)


@pytest.fixture
def frozen_counts(monkeypatch: pytest.MonkeyPatch, bare_products: None) -> list[int]:
    """Serves nothing: the freeze count when the subgraph would start serving, then once its app's
    lifespan has started."""
    counts: list[int] = []

    async def run_services(services: Sequence[Service]) -> None:
        counts.append(gc.get_freeze_count())
        async with LifespanManager(services[0].app):
            counts.append(gc.get_freeze_count())

    monkeypatch.setattr(serve, "run_services", run_services)
    return counts


def test_a_subgraph_freezes_its_heap_once_its_lifespan_has_started(frozen_counts: list[int]) -> None:
    serve.serve("products")

    before_start, once_started = frozen_counts
    assert before_start == 0
    assert once_started > 0


@pytest.mark.usefixtures("bare_products")
async def test_each_worker_freezes_its_heap_once_its_apps_lifespan_has_started() -> None:
    app = serve.worker_app("products")
    assert gc.get_freeze_count() == 0

    async with LifespanManager(app):
        assert gc.get_freeze_count() > 0
