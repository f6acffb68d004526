"""The revoked-session set in Redis says revoked, not revoked, or unknown: unknown while Redis does not
answer, and for sessions until a complete rebuild has left its marker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from subgraphs.common.redis import create_redis
from subgraphs.common.revocations import RevocationList, RevocationState
from testbed.ports import unused_port


@pytest.fixture
def revocations(redis: Redis, cache_namespace: str) -> RevocationList:
    """A set of its own, never rebuilt yet (no marker), as in a Redis that just started empty."""
    return RevocationList(redis, namespace=f"{cache_namespace}:set-{uuid.uuid4().hex[:8]}")


@pytest.fixture
async def rebuilt(revocations: RevocationList) -> RevocationList:
    await revocations.finish_rebuild(await revocations.begin_rebuild(), sessions={})
    return revocations


@pytest.fixture
async def unreachable() -> AsyncIterator[RevocationList]:
    client = create_redis(f"redis://127.0.0.1:{unused_port()}/0")
    yield RevocationList(client, namespace="nowhere")
    await client.aclose()


def new_id() -> str:
    return uuid.uuid4().hex


async def test_a_revoked_session_is_revoked(rebuilt: RevocationList) -> None:
    session_id = new_id()
    await rebuilt.revoke_session(session_id, ttl_seconds=60)
    assert await rebuilt.state(token_id=new_id(), session_id=session_id) is RevocationState.REVOKED


async def test_a_revoked_token_id_is_revoked(rebuilt: RevocationList) -> None:
    token_id = new_id()
    await rebuilt.revoke_token(token_id, ttl_seconds=60)
    assert await rebuilt.state(token_id=token_id, session_id=new_id()) is RevocationState.REVOKED


async def test_a_session_is_not_revoked_in_a_rebuilt_set_without_it(rebuilt: RevocationList) -> None:
    assert await rebuilt.state(token_id=new_id(), session_id=new_id()) is RevocationState.NOT_REVOKED


async def test_a_session_is_unknown_until_the_set_is_rebuilt(revocations: RevocationList) -> None:
    assert await revocations.state(token_id=new_id(), session_id=new_id()) is RevocationState.UNKNOWN


async def test_a_session_written_before_the_rebuild_is_already_revoked(revocations: RevocationList) -> None:
    session_id = new_id()
    await revocations.revoke_session(session_id, ttl_seconds=60)
    assert await revocations.state(token_id=None, session_id=session_id) is RevocationState.REVOKED


async def test_a_token_without_a_session_does_not_wait_for_the_rebuild(revocations: RevocationList) -> None:
    assert await revocations.state(token_id=new_id(), session_id=None) is RevocationState.NOT_REVOKED


async def test_everything_is_unknown_while_redis_does_not_answer(unreachable: RevocationList) -> None:
    assert await unreachable.state(token_id=new_id(), session_id=None) is RevocationState.UNKNOWN
    assert await unreachable.state(token_id=new_id(), session_id=new_id()) is RevocationState.UNKNOWN


async def test_a_rebuild_writes_its_sessions_and_a_marker_that_never_expires(
    revocations: RevocationList, redis: Redis
) -> None:
    session_id = new_id()

    await revocations.finish_rebuild(await revocations.begin_rebuild(), sessions={session_id: 120})

    assert await revocations.state(token_id=None, session_id=session_id) is RevocationState.REVOKED
    assert await revocations.is_rebuilt()
    assert await redis.ttl(revocations.rebuilt_key) == -1
    assert 0 < await redis.ttl(revocations.session_key(session_id)) <= 120


async def test_a_rebuild_that_redis_lost_the_start_of_sets_no_marker(
    revocations: RevocationList, redis: Redis
) -> None:
    attempt = await revocations.begin_rebuild()
    await redis.delete(attempt)  # what a restart between the start and the end of a rebuild does
    session_id = new_id()

    with pytest.raises(ResponseError):
        await revocations.finish_rebuild(attempt, sessions={session_id: 60})

    assert not await revocations.is_rebuilt()
    assert await revocations.state(token_id=None, session_id=session_id) is RevocationState.REVOKED
