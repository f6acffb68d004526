"""Keep the objects a process built at start-up out of the garbage collector's full passes.

A service process starts with a few hundred thousand long-lived objects (modules, the GraphQL schema,
SQLAlchemy's metadata, the supergraph and its planner). CPython's full collection walks them all each
time it runs (about 50 ms measured for the orders subgraph's modules alone), and under load full
collections come every few seconds: each one stalls every request in flight on that process, which is
what a tail latency several times the median shows. `gc.freeze()` moves everything alive into the
permanent generation, which collections skip, so a full pass walks only what requests created since
(CPython's documentation recommends it for exactly this; Instagram's web servers run so). A
collection first, so the garbage of start-up is freed rather than kept forever.

Each service's command wraps its app with `freeze_once_started`, so the freeze comes at the end of the
app's lifespan start-up: what the lifespan builds (the router's supergraph, planner and connection
pools; a subgraph's engines and clients) is frozen too, once per process. Apps the tests build are not
wrapped, so their process is never frozen.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar

from starlette.applications import Starlette

App = TypeVar("App", bound=Starlette)


def freeze_startup_heap() -> int:
    """Collect, then freeze everything alive; the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def freeze_once_started(app: App) -> App:
    """The app, its lifespan freezing the start-up heap once its start-up is done, just before the app
    serves (FastAPI apps are Starlette apps)."""
    app.router.lifespan_context = _frozen_after(app.router.lifespan_context)
    return app


def _frozen_after(
    lifespan: Callable[[Any], AbstractAsyncContextManager[Any]],
) -> Callable[[Any], AbstractAsyncContextManager[Any]]:
    @asynccontextmanager
    async def started_then_frozen(app: Any) -> AsyncIterator[Any]:
        async with lifespan(app) as state:
            freeze_startup_heap()
            yield state

    return started_then_frozen
