"""Sending one signed delivery over HTTP and telling what came of it.

One pooled aiohttp session for all endpoints (what the orders subgraph already uses to call
products); each attempt is bounded by a total timeout, redirects are not followed (a 3xx is a
failure: an endpoint that moved is re-registered by an admin), and at most a little of the answer is
read, for the delivery log.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime

import aiohttp

from observability.instrumentation import client_trace_configs
from observability.tracing import TRACING_OFF, Tracing
from subgraphs.orders.webhooks.models import OutgoingDelivery
from subgraphs.orders.webhooks.signing import signed_headers

USER_AGENT = "Gocart-Webhooks/1"
ANSWER_EXCERPT_BYTES = 200


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt saw: the answer's status (None when none came) and how long it took."""

    status_code: int | None
    seconds: float
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def response_ms(self) -> int:
        return round(self.seconds * 1000)


class WebhookSender:
    def __init__(
        self, *, timeout_seconds: float, pool_size: int = 100, tracing: Tracing = TRACING_OFF
    ) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._pool_size = pool_size
        self._tracing = tracing
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on first use, inside the running event loop
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                trace_configs=client_trace_configs(self._tracing),
            )
        return self._session

    async def send(self, delivery: OutgoingDelivery, *, timestamp: datetime) -> AttemptResult:
        """POST the delivery's payload, signed for `timestamp`; never raises for the endpoint's sake."""
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **signed_headers(
                secret=delivery.secret,
                message_id=str(delivery.event_id),
                timestamp=timestamp,
                body=delivery.payload,
            ),
        }
        started = time.perf_counter()
        try:
            async with self._http().post(
                delivery.url, data=delivery.payload.encode(), headers=headers, allow_redirects=False
            ) as response:
                if 200 <= response.status < 300:
                    return AttemptResult(status_code=response.status, seconds=time.perf_counter() - started)
                excerpt = await response.content.read(ANSWER_EXCERPT_BYTES)
                return AttemptResult(
                    status_code=response.status,
                    seconds=time.perf_counter() - started,
                    error=_answer_error(response.status, excerpt),
                )
        except TimeoutError:
            return AttemptResult(
                status_code=None,
                seconds=time.perf_counter() - started,
                error=f"no answer within {self._timeout.total} s",
            )
        except (aiohttp.ClientError, OSError, ValueError) as error:  # refused, reset, bad URL, TLS...
            return AttemptResult(
                status_code=None,
                seconds=time.perf_counter() - started,
                error=f"{type(error).__name__}: {error}",
            )

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
            await asyncio.sleep(0)  # lets the connector close its transports


def _answer_error(status: int, excerpt: bytes) -> str:
    text = excerpt.decode(errors="replace").strip()
    return f"HTTP {status}" + (f": {text}" if text else "")
