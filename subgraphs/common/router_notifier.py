"""The `router-cache` consumer: a domain event that changes an entity the router's entity cache may
hold names that entity to the router's `POST /invalidation` (docs/router.md, "Entity cache"), so a
write made anywhere (an admin's mutation, the stock an order takes inside products, a background job)
is not served stale for up to a TTL.

Each subgraph consumes only its own events (`ROUTER_CACHED` says which types name which entity), so a
change is sent once, by whichever replica its queue hands it to. A failed call (the router down, a
wrong secret, Redis down behind it) raises: the consumer machinery tries the event again after a
doubling pause (`subgraphs/common/handler_retries.py`) and finally dead-letters it, loudly, never
drops it unseen. After a failure the notifier fails fast for
`pause_seconds` rather than wait a timeout per event. Off unless the subgraph is given the router's
invalidation URL and secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.errors import UnavailableError
from subgraphs.common.event_consumers import EventConsumer, topic_matches
from subgraphs.common.events import DomainEvent
from subgraphs.common.settings import SubgraphSettings

log = structlog.get_logger(__name__)

CONSUMER_NAME = "router-cache"


@dataclass(frozen=True)
class CachedType:
    """Events of `patterns` change the entity of `typename` (in the router: of `subgraph`) whose `id`
    is the event's aggregate id."""

    subgraph: str
    typename: str
    patterns: tuple[str, ...]


# Per subgraph, the entities of its own events. Orders answer `no-store` (the router keeps nothing of
# theirs); categories have no events yet (docs/router.md, "Entity cache", limits).
ROUTER_CACHED: Mapping[str, tuple[CachedType, ...]] = {
    "products": (CachedType("products", "Product", ("product.*", "stock.changed")),),
    "users": (CachedType("users", "User", ("user.*",)),),
}


def invalidations_for(subgraph: str, event_type: str, aggregate_id: str) -> list[dict[str, Any]]:
    """The router's invalidation requests for one event of `subgraph` (Apollo's body shape)."""
    return [
        {"kind": "entity", "subgraph": cached.subgraph, "type": cached.typename, "key": {"id": aggregate_id}}
        for cached in ROUTER_CACHED.get(subgraph, ())
        if any(topic_matches(pattern, event_type) for pattern in cached.patterns)
    ]


class RouterInvalidationFailed(UnavailableError):
    """The router did not confirm an invalidation: the event must be tried again (an outage of the
    router, logged as one, without a traceback)."""


class RouterNotifier:
    """Calls the router's invalidation API over one pooled aiohttp session."""

    def __init__(
        self,
        *,
        url: str,
        secret: str,
        timeout_seconds: float = 2.0,
        pause_seconds: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._pause_seconds = pause_seconds
        self._clock = clock
        self._failing_until = 0.0
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on first use, inside the running event loop
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def invalidate(self, requests: Sequence[Mapping[str, Any]]) -> int:
        """Send the requests; the number of keys the router dropped. Raises
        `RouterInvalidationFailed` unless the router confirmed them."""
        if not requests:
            return 0
        if self._clock() < self._failing_until:
            raise RouterInvalidationFailed("the router failed a moment ago; not tried again yet")
        try:
            async with self._http().post(self._url, json=list(requests), headers=self._headers) as answer:
                body = await answer.json(content_type=None) if answer.status in (200, 404) else None
                status = answer.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise self._failed(f"the router cannot be reached: {error!r}") from error
        if status == 404:
            # The router runs without an entity cache (or without its invalidation API): it holds
            # nothing to drop.
            log.warning("router_cache.invalidation_api_off", url=self._url)
            return 0
        if status != 200 or not isinstance(body, dict):
            raise self._failed(f"the router answered {status}")
        self._failing_until = 0.0
        return int(body.get("count", 0))

    def _failed(self, reason: str) -> RouterInvalidationFailed:
        self._failing_until = self._clock() + self._pause_seconds
        log.warning("router_cache.invalidation_failed", url=self._url, reason=reason)
        return RouterInvalidationFailed(reason)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def notifier_from_settings(settings: SubgraphSettings) -> RouterNotifier | None:
    """The notifier, when the subgraph is told where the router's invalidation API is and its secret."""
    if settings.router_invalidation_url is None or settings.router_invalidation_secret is None:
        return None
    return RouterNotifier(
        url=settings.router_invalidation_url,
        secret=settings.router_invalidation_secret.get_secret_value(),
        timeout_seconds=settings.router_invalidation_timeout_seconds,
        pause_seconds=settings.router_invalidation_pause_seconds,
    )


def router_cache_consumers(subgraph: str, notifier: RouterNotifier | None) -> tuple[EventConsumer, ...]:
    """The `router-cache` consumer of `subgraph`'s own events (none without a notifier, or when the
    router caches nothing the subgraph's events change)."""
    cached = ROUTER_CACHED.get(subgraph, ())
    if notifier is None or not cached:
        return ()

    async def notify(_session: AsyncSession, event: DomainEvent) -> None:
        requests = invalidations_for(subgraph, event.type, event.aggregate_id)
        dropped = await notifier.invalidate(requests)
        log.debug("router_cache.invalidated", type=event.type, id=event.aggregate_id, dropped=dropped)

    patterns = tuple(pattern for entry in cached for pattern in entry.patterns)
    return (EventConsumer(name=CONSUMER_NAME, patterns=patterns, handle=notify),)
