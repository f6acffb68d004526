"""What the router benchmarks share: the shop test subgraphs served each in its own process, and waiting
until a URL answers."""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.process
from collections.abc import Sequence

import aiohttp
import uvicorn


def serve_shop_subgraph(name: str, port: int) -> None:
    """The target of a spawned process: one shop subgraph on `port` until it is terminated."""
    from testbed.shop_subgraphs import shop_apps

    uvicorn.run(shop_apps()[name], host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)


async def wait_until_up(url: str, attempts: int = 400) -> None:
    """Poll `url` every 50 ms until it answers below 500."""
    async with aiohttp.ClientSession() as session:
        for _ in range(attempts):
            try:
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


def start_shop_subgraphs(ports: dict[str, int]) -> Sequence[multiprocessing.process.BaseProcess]:
    """Each shop subgraph (by name) in a spawned process of its own, on its port; daemons."""
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=serve_shop_subgraph, args=item, daemon=True) for item in ports.items()
    ]
    for process in processes:
        process.start()
    return processes
