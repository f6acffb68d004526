"""Signing in and out: tokens, the JWKS, refresh rotation with reuse detection, revocation, throttling."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlmodel import col, select

from subgraphs.common.auth import KeySet, TokenVerifier
from subgraphs.common.context import AppResources
from subgraphs.users import repository
from subgraphs.users.models import RefreshToken
from subgraphs.users.tokens import refresh_token_digest
from tests.subgraphs.users.builders import BOOTSTRAP_ADMIN, PASSWORD, Accounts
from tests.support.graphql import GraphQLClient
from tests.support.tokens import AUDIENCE, ISSUER

ME = "{ me { id } }"
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }"
LOGOUT = "mutation($t: String) { logout(refreshToken: $t) }"
CHANGE_PASSWORD = (
    "mutation($old: String!, $new: String!) { changePassword(currentPassword: $old, newPassword: $new) }"
)


async def test_login_issues_an_access_token_the_jwks_verifies(
    gql: GraphQLClient, http: httpx.AsyncClient, accounts: Accounts
) -> None:
    user = await accounts.register("ada@example.com")
    payload = (await accounts.login("ada@example.com")).ok()["login"]
    jwks = (await http.get("/.well-known/jwks.json")).json()

    principal = await TokenVerifier(KeySet.from_jwks(jwks), issuer=ISSUER, audience=AUDIENCE).verify(
        payload["accessToken"]
    )

    assert (principal.subject, principal.role, payload["tokenType"]) == (user["id"], "customer", "Bearer")
    assert principal.session_id is not None
    assert jwt.get_unverified_header(payload["accessToken"])["alg"] == "EdDSA"
    assert 0 < payload["expiresIn"] <= 900


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(accounts: Accounts) -> None:
    await accounts.register("ada@example.com")

    wrong_password = await accounts.login("ada@example.com", "not the password at all")
    unknown_email = await accounts.login("nobody@example.com", PASSWORD)

    assert wrong_password.codes == unknown_email.codes == ["UNAUTHENTICATED"]
    assert wrong_password.errors[0]["message"] == unknown_email.errors[0]["message"]


async def test_refresh_rotates_the_refresh_token(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")

    rotated = (await gql.execute(REFRESH, {"t": ada.refresh_token})).ok()["refreshToken"]
    again = (await gql.execute(REFRESH, {"t": rotated["refreshToken"]})).ok()["refreshToken"]

    assert rotated["refreshToken"] != ada.refresh_token
    assert (await gql.execute(ME, token=again["accessToken"])).ok() == {"me": {"id": ada.id}}


async def test_reusing_a_refresh_token_ends_the_whole_session(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    rotated = (await gql.execute(REFRESH, {"t": ada.refresh_token})).ok()["refreshToken"]

    reuse = await gql.execute(REFRESH, {"t": ada.refresh_token})

    assert reuse.codes == ["UNAUTHENTICATED"]
    assert (await gql.execute(REFRESH, {"t": rotated["refreshToken"]})).codes == ["UNAUTHENTICATED"]
    assert (await gql.execute(ME, token=rotated["accessToken"])).codes == ["UNAUTHENTICATED"]
    assert (await gql.execute(ME, token=ada.access_token)).codes == ["UNAUTHENTICATED"]


async def test_reuse_ends_only_that_session(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    other_device = (await accounts.login("ada@example.com")).ok()["login"]
    await gql.execute(REFRESH, {"t": ada.refresh_token})

    await gql.execute(REFRESH, {"t": ada.refresh_token})

    assert (await gql.execute(ME, token=other_device["accessToken"])).ok() == {"me": {"id": ada.id}}


async def test_an_unknown_refresh_token_is_unauthenticated(gql: GraphQLClient) -> None:
    assert (await gql.execute(REFRESH, {"t": "made-up"})).codes == ["UNAUTHENTICATED"]


async def test_an_expired_refresh_token_is_unauthenticated(
    gql: GraphQLClient, accounts: Accounts, users_app: FastAPI
) -> None:
    ada = await accounts.signed_in("ada@example.com")
    resources: AppResources = users_app.state.resources
    async with resources.engine.begin() as connection:
        await connection.execute(
            text("UPDATE users.refresh_tokens SET expires_at = now() - interval '1 minute'")
        )

    assert (await gql.execute(REFRESH, {"t": ada.refresh_token})).codes == ["UNAUTHENTICATED"]


async def test_logout_revokes_the_refresh_and_the_access_token(
    gql: GraphQLClient, accounts: Accounts
) -> None:
    ada = await accounts.signed_in("ada@example.com")

    assert (await gql.execute(LOGOUT, {"t": ada.refresh_token}, token=ada.access_token)).ok() == {
        "logout": True
    }
    assert (await gql.execute(ME, token=ada.access_token)).codes == ["UNAUTHENTICATED"]
    assert (await gql.execute(REFRESH, {"t": ada.refresh_token})).codes == ["UNAUTHENTICATED"]


async def test_logout_with_only_a_refresh_token_ends_its_session(
    gql: GraphQLClient, accounts: Accounts
) -> None:
    ada = await accounts.signed_in("ada@example.com")
    (await gql.execute(LOGOUT, {"t": ada.refresh_token})).ok()
    assert (await gql.execute(ME, token=ada.access_token)).codes == ["UNAUTHENTICATED"]


async def test_logout_with_nothing_is_unauthenticated(gql: GraphQLClient) -> None:
    assert (await gql.execute(LOGOUT)).codes == ["UNAUTHENTICATED"]


async def test_failed_logins_are_throttled_per_account_and_address(accounts: Accounts) -> None:
    await accounts.register("ada@example.com")
    for _ in range(3):
        await accounts.login("ada@example.com", "wrong password here")

    throttled = await accounts.login("ada@example.com")

    assert throttled.codes == ["RATE_LIMITED"]
    assert throttled.errors[0]["extensions"]["retryAfterSeconds"] > 0


@pytest.fixture
async def attacker(users_app: FastAPI, clean_users: None) -> AsyncIterator[Accounts]:
    """Someone else, signing in from another address than `accounts`."""
    transport = httpx.ASGITransport(app=users_app, client=("198.51.100.66", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://users") as http:
        yield Accounts(GraphQLClient(http))


async def test_an_attackers_failures_do_not_stop_the_owner_from_another_address(
    accounts: Accounts, attacker: Accounts
) -> None:
    await accounts.register("ada@example.com")
    for _ in range(3):
        await attacker.login("ada@example.com", "wrong password here")
    assert (await attacker.login("ada@example.com")).codes == ["RATE_LIMITED"]

    assert (await accounts.login("ada@example.com")).codes == []


async def test_the_owners_sign_in_does_not_lift_the_attackers_delay(
    accounts: Accounts, attacker: Accounts
) -> None:
    await accounts.register("ada@example.com")
    for _ in range(3):
        await attacker.login("ada@example.com", "wrong password here")
    (await accounts.login("ada@example.com")).ok()

    assert (await attacker.login("ada@example.com", "another wrong one")).codes == ["RATE_LIMITED"]


async def test_unknown_emails_are_throttled_alike(accounts: Accounts) -> None:
    for _ in range(3):
        await accounts.login("nobody@example.com", "wrong password here")
    assert (await accounts.login("nobody@example.com")).codes == ["RATE_LIMITED"]


async def test_failed_logins_are_throttled_per_address(accounts: Accounts) -> None:
    await accounts.register("ada@example.com")
    for index in range(6):
        await accounts.login(f"guess{index}@example.com", "wrong password here")

    assert (await accounts.login("ada@example.com")).codes == ["RATE_LIMITED"]


async def test_a_successful_login_resets_the_account_count(accounts: Accounts) -> None:
    await accounts.register("ada@example.com")
    for _ in range(2):
        await accounts.login("ada@example.com", "wrong password here")
    (await accounts.login("ada@example.com")).ok()
    for _ in range(2):
        await accounts.login("ada@example.com", "wrong password here")

    assert (await accounts.login("ada@example.com")).codes == []


async def test_change_password_ends_other_sessions_and_keeps_this_one(
    gql: GraphQLClient, accounts: Accounts
) -> None:
    ada = await accounts.signed_in("ada@example.com")
    other_device = (await accounts.login("ada@example.com")).ok()["login"]
    new_password = "an entirely new passphrase"

    changed = await gql.execute(
        CHANGE_PASSWORD, {"old": PASSWORD, "new": new_password}, token=ada.access_token
    )

    assert changed.ok() == {"changePassword": True}
    assert (await gql.execute(ME, token=ada.access_token)).ok() == {"me": {"id": ada.id}}
    assert (await gql.execute(ME, token=other_device["accessToken"])).codes == ["UNAUTHENTICATED"]
    assert (await accounts.login("ada@example.com")).codes == ["UNAUTHENTICATED"]
    assert (await accounts.login("ada@example.com", new_password)).codes == []


async def test_change_password_needs_the_current_one(gql: GraphQLClient, accounts: Accounts) -> None:
    ada = await accounts.signed_in("ada@example.com")
    result = await gql.execute(
        CHANGE_PASSWORD, {"old": "not my password", "new": "another passphrase here"}, token=ada.access_token
    )
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "currentPassword"


@pytest.mark.parametrize("token", [None, "garbage"])
async def test_change_password_needs_a_valid_sign_in(gql: GraphQLClient, token: str | None) -> None:
    result = await gql.execute(
        CHANGE_PASSWORD, {"old": PASSWORD, "new": "another passphrase here"}, token=token
    )
    assert result.codes == ["UNAUTHENTICATED"]


async def test_the_bootstrap_admin_from_settings_can_sign_in(accounts: Accounts) -> None:
    payload = (await accounts.login(*BOOTSTRAP_ADMIN)).ok()["login"]
    assert payload["user"]["role"] == "ADMIN"


async def test_parallel_guesses_cannot_outrun_the_throttle(accounts: Accounts) -> None:
    await accounts.register("ada@example.com")

    results = await asyncio.gather(
        *(accounts.login("ada@example.com", f"wrong password {n}") for n in range(12))
    )

    codes = sorted(code for result in results for code in result.codes)
    assert codes == ["RATE_LIMITED"] * 9 + ["UNAUTHENTICATED"] * 3


async def test_a_refresh_racing_a_sign_out_everywhere_leaves_no_live_token(
    accounts: Accounts, users_app: FastAPI
) -> None:
    ada = await accounts.signed_in("ada@example.com")
    sessions = users_app.state.resources.sessions
    user_id = uuid.UUID(ada.id)
    async with sessions() as refreshing, sessions() as revoking:
        token = await repository.lock_refresh_token(
            session=refreshing, token_hash=refresh_token_digest(ada.refresh_token)
        )
        assert token is not None
        revocation = asyncio.create_task(repository.revoke_families(session=revoking, user_id=user_id))
        await asyncio.sleep(0.2)  # the revocation now waits for the refresh's lock
        await repository.mark_refresh_token_used(session=refreshing, token_id=token.id)
        await repository.insert_refresh_token(
            session=refreshing,
            user_id=user_id,
            family_id=token.family_id,
            token_hash="rotated",
            expires_at=token.expires_at,
        )
        await refreshing.commit()
        await revocation
        await revoking.commit()
        live = await revoking.exec(
            select(RefreshToken).where(
                col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None)
            )
        )
        assert live.all() == []
