"""Redis down under the users subgraph: sign-in keeps working, throttled in process (per process, same
rules), with one warning and the degraded metric; Redis back: the counts are shared again.

The users subgraph runs on a Redis of the test's own, which the test stops and starts again, and on the
session's PostgreSQL. Sign-ins come from two client addresses, the owner's and an attacker's. Redis is
asked on every sign-in while it is down (retry time 0), so the first sign-in after the restart finds it;
that Redis is asked only every few seconds by default is shown on a moved clock in
tests/subgraphs/users/throttle/test_degraded.py.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

import httpx
import pytest
import structlog
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from redis.asyncio import Redis

from subgraphs.common.signing import SigningKey
from subgraphs.users.config import UsersSettings
from subgraphs.users.main import create_app
from tests.faults.servers import OwnRedis
from tests.subgraphs.users.builders import Accounts
from tests.support.graphql import GraphQLClient
from tests.support.tokens import AUDIENCE, ISSUER

OWNER, ATTACKER = "203.0.113.7", "198.51.100.66"
FREE_FAILURES = 2
WRONG = "not the password at all"
DEGRADED = "gocart_login_throttle_degraded"
FALLBACKS = "gocart_login_throttle_fallback_decisions_total"
StartReplica = Callable[[], AbstractAsyncContextManager["Replica"]]


class Replica:
    """One users subgraph process's app, and clients calling it from the owner's and the attacker's
    addresses."""

    def __init__(self, app: FastAPI, owner: httpx.AsyncClient, attacker: httpx.AsyncClient) -> None:
        self.app = app
        self.owner = Accounts(GraphQLClient(owner))
        self.attacker = Accounts(GraphQLClient(attacker))
        self._http = owner

    async def metric(self, name: str) -> float:
        """A sample from the app's `/metrics`, as a scraper reads it."""
        text = (await self._http.get("/metrics")).text
        for family in text_string_to_metric_families(text):
            for found in family.samples:
                if found.name == name:
                    return float(found.value)
        raise AssertionError(f"{name} is not in /metrics")


@pytest.fixture
def namespace() -> str:
    return f"faults-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def start_replica(
    own_redis: OwnRedis, database_url: str, signing_key: SigningKey, namespace: str
) -> StartReplica:
    settings = UsersSettings(
        database_url=SecretStr(database_url),
        redis_url=SecretStr(own_redis.url),
        cache_namespace=namespace,
        jwt_private_key=SecretStr(signing_key.private_pem()),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        login_failures_before_delay=FREE_FAILURES,
        login_first_delay_seconds=600,  # no delay ends within a test: the real clock cannot matter
        login_max_failures_per_address=5,
        login_redis_retry_seconds=0,
        log_json=False,
    )

    @asynccontextmanager
    async def started() -> AsyncIterator[Replica]:
        app = create_app(settings)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(LifespanManager(app))
            clients = [
                await stack.enter_async_context(
                    httpx.AsyncClient(
                        transport=httpx.ASGITransport(app=app, client=(address, 50000)),
                        base_url="http://users",
                    )
                )
                for address in (OWNER, ATTACKER)
            ]
            yield Replica(app, *clients)

    return started


@pytest.fixture
async def replica(start_replica: StartReplica) -> AsyncIterator[Replica]:
    async with start_replica() as started:
        yield started


@pytest.fixture
async def email(replica: Replica) -> str:
    """An account registered while Redis is up."""
    address = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    await replica.owner.register(address)
    return address


@pytest.fixture
async def own_redis_client(own_redis: OwnRedis) -> AsyncIterator[Redis]:
    client = Redis.from_url(own_redis.url)
    yield client
    await client.aclose()


async def test_the_right_password_signs_in_while_redis_is_down(
    replica: Replica, email: str, own_redis: OwnRedis
) -> None:
    own_redis.stop()

    signed_in = await replica.owner.login(email)

    assert signed_in.codes == []
    assert signed_in.data["login"]["accessToken"]


async def test_wrong_passwords_are_still_throttled_in_process_while_redis_is_down(
    replica: Replica, email: str, own_redis: OwnRedis
) -> None:
    own_redis.stop()
    failures = [await replica.attacker.login(email, WRONG) for _ in range(FREE_FAILURES)]

    throttled = await replica.attacker.login(email, WRONG)

    assert [failure.codes for failure in failures] == [["UNAUTHENTICATED"]] * FREE_FAILURES
    assert throttled.codes == ["RATE_LIMITED"]
    assert throttled.errors[0]["extensions"]["retryAfterSeconds"] > 0


async def test_the_attackers_failures_do_not_stop_the_owner_while_redis_is_down(
    replica: Replica, email: str, own_redis: OwnRedis
) -> None:
    own_redis.stop()
    for _ in range(FREE_FAILURES + 3):
        await replica.attacker.login(email, WRONG)

    assert (await replica.owner.login(email)).codes == []


async def test_the_per_address_limit_holds_across_accounts_while_redis_is_down(
    replica: Replica, email: str, own_redis: OwnRedis
) -> None:
    own_redis.stop()
    for index in range(5):
        assert (await replica.attacker.login(f"guess{index}@example.com", WRONG)).codes == ["UNAUTHENTICATED"]

    assert (await replica.attacker.login(email)).codes == ["RATE_LIMITED"]
    assert (await replica.owner.login(email)).codes == []


async def test_an_outage_logs_one_warning_and_sets_the_degraded_metric(
    replica: Replica, email: str, own_redis: OwnRedis
) -> None:
    assert await replica.metric(DEGRADED) == 0
    own_redis.stop()
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):
            await replica.owner.login(email)
            await replica.attacker.login(email, WRONG)

    warnings = [entry["event"] for entry in logs if entry["log_level"] == "warning"]
    assert warnings == ["login_throttle.redis_unreachable"]
    assert await replica.metric(DEGRADED) == 1
    assert await replica.metric(FALLBACKS) == 6


async def test_once_redis_is_back_it_counts_again_and_the_recovery_is_logged(
    replica: Replica, email: str, own_redis: OwnRedis, own_redis_client: Redis, namespace: str
) -> None:
    own_redis.stop()
    await replica.attacker.login(email, WRONG)
    own_redis.start()

    with structlog.testing.capture_logs() as logs:
        failed = await replica.attacker.login(email, WRONG)

    warnings = [entry["event"] for entry in logs if entry["log_level"] == "warning"]
    assert failed.codes == ["UNAUTHENTICATED"]
    assert warnings == ["login_throttle.redis_answers_again"]
    assert await own_redis_client.get(f"{namespace}:users:login-failures:address:{ATTACKER}") == b"1"
    assert await replica.metric(DEGRADED) == 0
    assert await replica.metric(FALLBACKS) == 1


async def test_replicas_count_alone_while_redis_is_down_and_share_again_once_it_is_back(
    replica: Replica, start_replica: StartReplica, email: str, own_redis: OwnRedis
) -> None:
    async with start_replica() as other:
        own_redis.stop()
        for _ in range(FREE_FAILURES):
            await replica.attacker.login(email, WRONG)
        alone = await other.attacker.login(email, WRONG)

        own_redis.start()
        for _ in range(FREE_FAILURES):
            await replica.attacker.login(email, WRONG)
        shared = await other.attacker.login(email, WRONG)

    assert alone.codes == ["UNAUTHENTICATED"]  # the other replica had not seen the failures
    assert shared.codes == ["RATE_LIMITED"]
