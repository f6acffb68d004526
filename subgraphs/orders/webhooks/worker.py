"""The delivery worker: sends due deliveries, so that a slow or failing endpoint never holds up others.

Each pass claims due deliveries with `FOR UPDATE SKIP LOCKED` and leases them (safe with several
replicas; an attempt is recorded only while its claim's lease holds), at most `per_endpoint` of each
endpoint and none of an endpoint this worker is still sending to, up to the free slots of
`max_concurrency`. Each delivery is sent in a task of its own, and
the next pass does not wait for them: a task that ends frees its slot and wakes the loop. An endpoint
that answers slowly holds its own slots only.

Success is a 2xx answer. Anything else is retried with exponential backoff (`schedule.py`) until the
retry window after the first attempt is over; then the delivery has failed. Each attempt is logged
(`webhooks.attempt`) with its status code and response time, and counted in the metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from subgraphs.common.db import SessionFactory
from subgraphs.common.db_outage import is_database_outage
from subgraphs.common.tasks import stop_tasks
from subgraphs.orders.models import utc_now
from subgraphs.orders.webhooks import repository
from subgraphs.orders.webhooks.metrics import WebhookMetrics
from subgraphs.orders.webhooks.models import DeliveryStatus, OutgoingDelivery
from subgraphs.orders.webhooks.schedule import RetrySchedule
from subgraphs.orders.webhooks.sender import AttemptResult, WebhookSender

log = structlog.get_logger(__name__)

LEASE_MARGIN_SECONDS = 30  # a claimed delivery is left to its worker for the timeout and this much more


@dataclass(frozen=True)
class DispatchPolicy:
    interval_seconds: float = 1.0
    max_concurrency: int = 20
    per_endpoint: int = 2
    timeout_seconds: float = 10.0

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.timeout_seconds + LEASE_MARGIN_SECONDS)


class WebhookDispatcher:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        sender: WebhookSender,
        policy: DispatchPolicy,
        schedule: RetrySchedule,
        metrics: WebhookMetrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._sender = sender
        self._policy = policy
        self._schedule = schedule
        self._metrics = metrics
        self._in_flight: dict[asyncio.Task[None], uuid.UUID] = {}
        self._wake = asyncio.Event()

    async def dispatch_once(self) -> int:
        """Claim what this worker may send now and start sending it; how many were started."""
        free = self._policy.max_concurrency - len(self._in_flight)
        if free <= 0:
            return 0
        async with self._sessions() as session:
            claimed = await repository.claim_due_deliveries(
                session=session,
                now=utc_now(),
                per_endpoint=self._policy.per_endpoint,
                limit=free,
                lease=self._policy.lease,
                skip_endpoints=sorted(set(self._in_flight.values())),
            )
            await session.commit()
        for delivery in claimed:
            task = asyncio.create_task(self._deliver(delivery), name=f"webhook-{delivery.id}")
            self._in_flight[task] = delivery.endpoint_id
            task.add_done_callback(self._finished)
        return len(claimed)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(task, None)
        self._wake.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("webhooks.attempt_unrecorded", error=repr(task.exception()))

    async def wait_idle(self) -> None:
        """Until every delivery started so far has been sent and recorded."""
        while self._in_flight:
            await asyncio.wait(list(self._in_flight))

    async def _deliver(self, delivery: OutgoingDelivery) -> None:
        attempted_at = utc_now()
        result = await self._sender.send(delivery, timestamp=attempted_at)
        status, retry_at = self._verdict(delivery, result, attempted_at)
        async with self._sessions() as session:
            recorded = await repository.record_attempt(
                session=session,
                delivery_id=delivery.id,
                leased_until=delivery.leased_until,
                status=status,
                attempted_at=attempted_at,
                next_attempt_at=retry_at or attempted_at,
                status_code=result.status_code,
                response_ms=result.response_ms,
                error=result.error,
            )
            await session.commit()
        outcome = "retrying" if status is DeliveryStatus.PENDING else status.value
        if self._metrics is not None:
            self._metrics.observe(outcome, result.seconds)
        (log.info if result.succeeded else log.warning)(
            "webhooks.attempt",
            outcome=outcome,
            delivery_id=str(delivery.id),
            endpoint_id=str(delivery.endpoint_id),
            event_id=str(delivery.event_id),
            event_type=delivery.event_type,
            attempt=delivery.attempts + 1,
            status_code=result.status_code,
            response_ms=result.response_ms,
            error=result.error,
            retry_at=retry_at.isoformat() if retry_at else None,
            recorded=recorded,  # false: redelivered (or claimed again) meanwhile, which stands
        )

    def _verdict(
        self, delivery: OutgoingDelivery, result: AttemptResult, attempted_at: datetime
    ) -> tuple[DeliveryStatus, datetime | None]:
        """The delivery's status after this attempt, and when to try again if it is still pending."""
        if result.succeeded:
            return DeliveryStatus.SUCCEEDED, None
        retry_at = self._schedule.next_attempt(
            failed_attempts=delivery.attempts + 1,
            first_attempt_at=delivery.first_attempt_at or attempted_at,
            now=utc_now(),
        )
        return (DeliveryStatus.PENDING, retry_at) if retry_at is not None else (DeliveryStatus.FAILED, None)

    async def run_forever(self) -> None:
        """Dispatch until cancelled: again as soon as a delivery ends, else after the interval. A pass
        that fails (the database is down) is retried on the next."""
        try:
            while True:
                self._wake.clear()
                try:
                    await self.dispatch_once()
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    if is_database_outage(error):
                        log.warning("webhooks.dispatch_deferred", reason="database unavailable")
                    else:
                        log.exception("webhooks.dispatch_failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._policy.interval_seconds)
        finally:
            await self.stop()

    async def stop(self) -> None:
        """Cancel what is in flight: those deliveries are due again when their lease ends."""
        await stop_tasks(*self._in_flight)  # the running ones: `_finished` takes out (and logs) ended ones
