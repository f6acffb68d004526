"""The users subgraph rebuilds the revoked-session set in Redis from its session table: every session
revoked within an access token's lifetime (plus the margin), each kept until then, and the marker."""

from __future__ import annotations

import uuid

import jwt
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import text

from subgraphs.common.context import AppResources
from subgraphs.common.revocations import RevocationList, RevocationState
from subgraphs.users.revocations import SessionRevocations, revocation_window_seconds
from tests.subgraphs.users.builders import Account, Accounts
from tests.support.graphql import GraphQLClient

ACCESS_TOKEN_TTL = 900
WINDOW = revocation_window_seconds(ACCESS_TOKEN_TTL)
LOGOUT = "mutation { logout }"


@pytest.fixture
def revoked_set(redis: Redis, cache_namespace: str) -> RevocationList:
    """A set of the test's own, empty, as in a Redis that just restarted (the app keeps its own)."""
    return RevocationList(redis, namespace=f"{cache_namespace}:rebuild-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def publisher(revoked_set: RevocationList, users_app: FastAPI) -> SessionRevocations:
    resources: AppResources = users_app.state.resources
    return SessionRevocations(
        revoked_set,
        sessions=resources.sessions,
        access_token_ttl_seconds=ACCESS_TOKEN_TTL,
        full_rebuild_seconds=3600,
    )


def session_of(account: Account) -> str:
    return str(jwt.decode(account.access_token, options={"verify_signature": False})["sid"])


async def signed_out(gql: GraphQLClient, accounts: Accounts, email: str) -> str:
    account = await accounts.signed_in(email)
    (await gql.execute(LOGOUT, token=account.access_token)).ok()
    return session_of(account)


async def revoked_seconds_ago(users_app: FastAPI, session_id: str, seconds: int) -> None:
    resources: AppResources = users_app.state.resources
    async with resources.engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE users.refresh_tokens SET revoked_at = now() - make_interval(secs => :seconds)"
                " WHERE family_id = :family"
            ),
            {"seconds": seconds, "family": uuid.UUID(session_id)},
        )


async def test_a_rebuild_republishes_a_session_revoked_at_logout(
    gql: GraphQLClient, accounts: Accounts, publisher: SessionRevocations, revoked_set: RevocationList
) -> None:
    session_id = await signed_out(gql, accounts, "ada@example.com")

    assert await publisher.rebuild()

    assert await revoked_set.state(token_id=None, session_id=session_id) is RevocationState.REVOKED


async def test_a_rebuild_leaves_live_sessions_out(
    accounts: Accounts, publisher: SessionRevocations, revoked_set: RevocationList
) -> None:
    session_id = session_of(await accounts.signed_in("ada@example.com"))

    await publisher.rebuild()

    assert await revoked_set.state(token_id=None, session_id=session_id) is RevocationState.NOT_REVOKED


async def test_a_rebuild_leaves_out_sessions_whose_access_tokens_have_all_expired(
    gql: GraphQLClient,
    accounts: Accounts,
    users_app: FastAPI,
    publisher: SessionRevocations,
    revoked_set: RevocationList,
) -> None:
    session_id = await signed_out(gql, accounts, "ada@example.com")
    await revoked_seconds_ago(users_app, session_id, WINDOW + 10)

    await publisher.rebuild()

    assert await revoked_set.state(token_id=None, session_id=session_id) is RevocationState.NOT_REVOKED


async def test_a_republished_session_is_kept_until_its_access_tokens_have_expired(
    gql: GraphQLClient,
    accounts: Accounts,
    users_app: FastAPI,
    redis: Redis,
    publisher: SessionRevocations,
    revoked_set: RevocationList,
) -> None:
    session_id = await signed_out(gql, accounts, "ada@example.com")
    await revoked_seconds_ago(users_app, session_id, WINDOW - 100)

    await publisher.rebuild()

    assert 0 < await redis.ttl(revoked_set.session_key(session_id)) <= 100


async def test_sync_rebuilds_once_and_again_when_redis_has_lost_the_marker(
    redis: Redis, publisher: SessionRevocations, revoked_set: RevocationList
) -> None:
    first, again = await publisher.sync(), await publisher.sync()
    await redis.delete(revoked_set.rebuilt_key)  # what a Redis restarted empty has lost

    assert (first, again, await publisher.sync()) == (True, False, True)
    assert await revoked_set.is_rebuilt()


async def test_sync_rebuilds_when_the_last_full_rebuild_is_too_old(
    revoked_set: RevocationList, users_app: FastAPI
) -> None:
    resources: AppResources = users_app.state.resources
    publisher = SessionRevocations(
        revoked_set, sessions=resources.sessions, access_token_ttl_seconds=900, full_rebuild_seconds=1e-9
    )
    assert (await publisher.sync(), await publisher.sync()) == (True, True)


async def test_a_logout_publishes_the_session_to_the_apps_set(
    gql: GraphQLClient, accounts: Accounts, redis: Redis, cache_namespace: str
) -> None:
    session_id = await signed_out(gql, accounts, "ada@example.com")

    state = await RevocationList(redis, namespace=cache_namespace).state(token_id=None, session_id=session_id)

    assert state is RevocationState.REVOKED
