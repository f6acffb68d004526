"""Keep the objects a process built at start-up out of the garbage collector's full passes.

A service process starts with a few hundred thousand long-lived objects (modules, the GraphQL schema,
SQLAlchemy's metadata, the supergraph and its planner). CPython's full collection walks them all each
time it runs (about 50 ms measured for the orders subgraph's modules alone), and under load full
collections come every few seconds: each one stalls every request in flight on that process, which is
what a tail latency several times the median shows. `gc.freeze()` moves everything alive into the
permanent generation, which collections skip, so a full pass walks only what requests created since
(CPython's documentation recommends it for exactly this; Instagram's web servers run so). Called once
the app is built, just before serving; a collection first, so the garbage of start-up is freed rather
than kept forever.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect, then freeze everything alive; the number of objects frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
