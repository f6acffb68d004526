"""Traffic shaping per subgraph (Apollo Router's `traffic_shaping`): its own timeout, connection pool,
circuit breaker and retries, from `TrafficShaping.for_subgraph(name)`.

Each subgraph gets an HTTP client of its own (router/executor/upstream.py) rather than a semaphore
over one shared pool: its `limit` is exactly "connections to this subgraph" (keep-alive pool and
concurrency cap in one), a subgraph that hangs can hold only its own connections, never another's, and
its timeout covers the wait for a pooled connection, so a saturated pool fails by timeout instead of
queueing without bound. Retries use tenacity (full-jitter exponential backoff); the breaker is
`router.executor.breaker`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from opentelemetry.trace import TracerProvider
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity import wait_random_exponential as full_jitter

from router.config import TrafficSettings, TrafficShaping
from router.executor.breaker import BreakerState, CircuitBreaker
from router.executor.fetcher import FailureReason, HttpFetcher, SubgraphFetchError, SubgraphResponse
from router.executor.upstream import UpstreamClient
from router.metrics import BREAKER_STATES, RouterMetrics

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(slots=True)
class _Subgraph:
    """One subgraph's settings, HTTP client and breaker (None when disabled)."""

    settings: TrafficSettings
    client: UpstreamClient
    http: HttpFetcher
    breaker: CircuitBreaker | None


def _worth_retrying(error: BaseException) -> bool:
    """Failures of the subgraph itself; an open breaker means: do not call it now."""
    return isinstance(error, SubgraphFetchError) and error.reason != "breaker_open"


class TrafficFetcher:
    """A `SubgraphFetcher` that shapes the traffic to each subgraph; an async context manager owning
    one HTTP client per subgraph. Subgraphs not named up front get theirs on first use (a reloaded
    supergraph may add some)."""

    def __init__(
        self,
        shaping: TrafficShaping,
        metrics: RouterMetrics,
        subgraphs: Iterable[str] = (),
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self._shaping = shaping
        self._tracer_provider = tracer_provider
        self._metrics = metrics
        self._names = tuple(subgraphs)
        self._clock = clock
        self._sleep = sleep
        self._subgraphs: dict[str, _Subgraph] = {}

    async def __aenter__(self) -> TrafficFetcher:
        for name in self._names:
            self._subgraph(name)
        unknown = set(self._shaping.subgraphs) - set(self._names) if self._names else set()
        for name in sorted(unknown):
            logger.warning("traffic_shaping.subgraphs.%s: no subgraph of that name in the supergraph", name)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        subgraphs, self._subgraphs = self._subgraphs, {}
        for subgraph in subgraphs.values():
            subgraph.client.close()

    def breaker_states(self) -> dict[str, str]:
        """Each subgraph's breaker state (`closed`, `open`, `half_open`, or `disabled`)."""
        return {
            name: subgraph.breaker.state.value if subgraph.breaker is not None else "disabled"
            for name, subgraph in self._subgraphs.items()
        }

    def max_representations(self, service: str) -> int:
        return self._subgraph(service).settings.max_representations

    async def fetch(
        self,
        service: str,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        *,
        operation_kind: str,
    ) -> SubgraphResponse:
        """Send the request under `service`'s policy; only queries are retried.

        The first try goes straight to the subgraph: tenacity's retry loop is only built once it has
        failed in a way worth retrying, so the common case pays nothing for it."""
        subgraph = self._subgraph(service)
        retry = subgraph.settings.retry
        attempt = (service, subgraph, url, body, headers, operation_kind)
        if operation_kind != "query" or retry.attempts == 0:
            return await self._attempt(*attempt)
        try:
            return await self._attempt(*attempt)
        except SubgraphFetchError as error:
            if not _worth_retrying(error):
                raise

        def count_retry(state: RetryCallState) -> None:  # noqa: ARG001  (only counted)
            self._metrics.subgraph_retries.labels(service).inc()

        # The wait before retry n is full jitter over backoff * 2^(n-1), capped: the first here, the
        # others by tenacity, whose attempt k is retry k + 1.
        backoff = full_jitter(multiplier=retry.backoff_seconds, max=retry.max_backoff_seconds)
        later_backoff = full_jitter(multiplier=2 * retry.backoff_seconds, max=retry.max_backoff_seconds)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(retry.attempts),
            wait=later_backoff,
            retry=retry_if_exception(_worth_retrying),
            before_sleep=count_retry,
            sleep=self._sleep,
            reraise=True,
        )
        self._metrics.subgraph_retries.labels(service).inc()
        await self._sleep(backoff(RetryCallState(retrying, None, (), {})))  # a fresh state: attempt 1
        result: SubgraphResponse = await retrying(self._attempt, *attempt)
        return result

    async def _attempt(
        self,
        service: str,
        subgraph: _Subgraph,
        url: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        operation_kind: str,
    ) -> SubgraphResponse:
        breaker = subgraph.breaker
        permit = breaker.admit() if breaker is not None else None
        if breaker is not None and permit is None:
            self._count_error(service, "breaker_open")
            raise SubgraphFetchError(service, "breaker_open", "circuit breaker open")
        started = time.perf_counter()
        try:
            response = await subgraph.http.fetch(service, url, body, headers, operation_kind=operation_kind)
        except SubgraphFetchError as error:
            self._time_fetch(service, "error", started)
            self._count_error(service, error.reason)
            if breaker is not None and permit is not None:
                breaker.record(permit, success=False)
            raise
        except BaseException:
            if breaker is not None and permit is not None:
                breaker.abandon(permit)
            raise
        self._time_fetch(service, "ok", started)
        if breaker is not None and permit is not None:
            breaker.record(permit, success=True)
        return response

    def _time_fetch(self, service: str, outcome: str, started: float) -> None:
        elapsed = time.perf_counter() - started
        self._metrics.subgraph_fetch_duration.labels(service, outcome).observe(elapsed)

    def _count_error(self, service: str, reason: FailureReason) -> None:
        self._metrics.subgraph_errors.labels(service, reason).inc()

    def _subgraph(self, name: str) -> _Subgraph:
        subgraph = self._subgraphs.get(name)
        if subgraph is None:
            subgraph = self._subgraphs[name] = self._open(name)
        return subgraph

    def _open(self, name: str) -> _Subgraph:
        settings = self._shaping.for_subgraph(name)
        client = UpstreamClient(
            limit=settings.pool_size,
            timeout_seconds=settings.timeout_seconds,
            tracer_provider=self._tracer_provider,  # a client span and `traceparent` per fetch
        )
        breaker = None
        if settings.breaker.enabled:
            breaker = CircuitBreaker(
                settings.breaker.failure_threshold,
                settings.breaker.reset_seconds,
                clock=self._clock,
                on_change=lambda state: self._breaker_changed(name, state),
            )
            self._metrics.breaker_state.labels(name).set(BREAKER_STATES[BreakerState.CLOSED])
        return _Subgraph(settings, client, HttpFetcher(client), breaker)

    def _breaker_changed(self, name: str, state: BreakerState) -> None:
        self._metrics.breaker_state.labels(name).set(BREAKER_STATES[state])
        log = logger.info if state is BreakerState.CLOSED else logger.warning
        log("circuit breaker of subgraph %r is now %s", name, state.value)
