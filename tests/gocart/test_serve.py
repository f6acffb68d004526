"""`gocart serve`: a subgraph is served with the heap it built at start-up frozen out of collections."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from types import SimpleNamespace

import pytest
from fastapi import FastAPI

from gocart import serve
from gocart.servers import Service


@pytest.fixture
def frozen_when_served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Serves nothing: records how many objects were frozen when the subgraph would start serving."""
    counts: list[int] = []
    settings = SimpleNamespace(log_level="INFO", log_json=True, workers=1, host="127.0.0.1", port=0)

    async def run_services(_services: Sequence[Service]) -> None:
        counts.append(gc.get_freeze_count())

    monkeypatch.setitem(serve.SUBGRAPH_LOADERS, "products", lambda: (settings, FastAPI))
    monkeypatch.setattr(serve, "configure_logging", lambda **_: None)
    monkeypatch.setattr(serve, "run_services", run_services)
    yield counts
    gc.unfreeze()


def test_a_subgraph_is_served_with_its_start_up_heap_frozen(frozen_when_served: list[int]) -> None:
    serve.serve("products")

    assert frozen_when_served[0] > 0


@pytest.mark.usefixtures("frozen_when_served")
def test_each_worker_freezes_the_heap_of_the_app_it_built() -> None:
    app = serve.worker_app("products")

    assert isinstance(app, FastAPI)
    assert gc.get_freeze_count() > 0
