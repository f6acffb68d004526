"""Helpers of the hot-reload tests: versions of the shop supergraph, replacing the file as deploy tools
do, and waiting (bounded) for the router to count a reload."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from pathlib import Path

from starlette.applications import Starlette

from testbed.sdl import supergraph_sdl
from testbed.shop_supergraph import GRAPHS, TYPES

HIDDEN_BIRTH_DATE = "birthDate: String @join__field(graph: ACCOUNTS) @inaccessible"
ACCOUNTS_IN_QUERY = "type Query\n  @join__type(graph: ACCOUNTS)\n"
WAIT_SECONDS = 60.0  # how long to wait for a start or a reload on a busy machine: a bound, not a speed check


def shop_supergraph(
    urls: dict[str, str] | None = None, *, birth_date: bool = False, accounts_in_query: bool = True
) -> str:
    """The shop supergraph with other subgraph URLs, with `User.birthDate` visible to clients, or with
    the accounts subgraph dropped from `Query` (it parses, but `Query.me` cannot be planned)."""
    types = TYPES
    if birth_date:
        assert HIDDEN_BIRTH_DATE in types
        types = types.replace(HIDDEN_BIRTH_DATE, HIDDEN_BIRTH_DATE.removesuffix(" @inaccessible"))
    if not accounts_in_query:
        assert ACCOUNTS_IN_QUERY in types
        types = types.replace(ACCOUNTS_IN_QUERY, "type Query\n")
    return supergraph_sdl({**GRAPHS, **(urls or {})}, types)


def replace_file(path: Path, text: str) -> None:
    """Write a new file and rename it over the old one, as deploy tools and ConfigMap updates do."""
    staged = path.with_name(f".{path.name}.new")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)


def write_in_place(path: Path, text: str) -> None:
    """Overwrite the file itself (same inode), as an editor saving in place does."""
    path.write_text(text, encoding="utf-8")


def short_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def reloads(app: Starlette, outcome: str) -> float:
    """How many reloads the app's metrics count with this outcome."""
    registry = app.state.edge.metrics.registry
    return registry.get_sample_value("gocart_router_supergraph_reloads_total", {"outcome": outcome}) or 0.0


async def until_reloads(app: Starlette, outcome: str, count: int) -> None:
    """Wait until `count` reloads with `outcome` are counted; fail after a generous bound."""
    deadline = time.monotonic() + WAIT_SECONDS
    while reloads(app, outcome) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"still {reloads(app, outcome)} {outcome} reloads, expected {count}")
        await asyncio.sleep(0.02)
