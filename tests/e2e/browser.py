"""A real browser for the tests of our pages: Debian's Chromium driven by Playwright, offline.

Every request the page makes is let through only to 127.0.0.1/localhost; any other is aborted and
recorded, so a test can assert that nothing left the machine (the pages must work with no internet).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.async_api import Page, Route, async_playwright

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
# As the machine notes say: without the background-networking flags Chromium calls out at every start.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str:
    """The system Chromium (`GOCART_CHROMIUM` or `chromium` on PATH); fails in CI, skips elsewhere."""
    found = os.environ.get("GOCART_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "no Chromium (install Debian's chromium, or set GOCART_CHROMIUM)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class OfflinePage:
    page: Page
    left_the_machine: list[str] = field(default_factory=list)


@asynccontextmanager
async def offline_page(screenshots: Path) -> AsyncIterator[OfflinePage]:
    """A fresh page whose requests may only reach this machine; a screenshot is saved if the test fails."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_FLAGS))
        context = await browser.new_context(viewport={"width": 1400, "height": 900})
        offline = OfflinePage(await context.new_page())

        async def only_local(route: Route) -> None:
            if urlparse(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith("data:"):
                await route.continue_()
            else:
                offline.left_the_machine.append(route.request.url)
                await route.abort()

        await context.route("**/*", only_local)
        try:
            yield offline
        except BaseException:
            # Playwright writes the file and makes its folder (a test's tmp_path, which exists).
            await offline.page.screenshot(path=str(screenshots / "failure.png"), full_page=True)
            raise
        finally:
            await browser.close()
