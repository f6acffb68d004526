"""Sessions: signing in, rotating refresh tokens, signing out, changing the password, ending sessions.

A session is a refresh-token family: a refresh rotates the token; presenting a used one ends the whole
session. Ending a session commits its revocation to PostgreSQL, then tells every verifier through Redis.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.callers import Principal, require_role
from subgraphs.common.callers import Role as TokenRole
from subgraphs.common.errors import BadUserInputError, UnauthenticatedError
from subgraphs.users import repository
from subgraphs.users.deps import Security, UsersDeps
from subgraphs.users.models import UserRecord
from subgraphs.users.passwords import check_password
from subgraphs.users.schemas import Credentials, PasswordChange
from subgraphs.users.tokens import IssuedTokens, new_refresh_token, refresh_token_digest

BAD_CREDENTIALS = "The email or password is incorrect."


async def login(deps: UsersDeps, credentials: Credentials) -> IssuedTokens:
    """Tokens for a correct email and password; an unknown email gets the same answer as a wrong password."""
    session, security, email, address = deps.session, deps.security, credentials.email, deps.client_address
    await security.throttle.attempt(email=email, address=address)
    found = await repository.get_live_user_with_hash(session=session, email=email)
    if not security.passwords.verify(found[1] if found else None, credentials.password) or found is None:
        raise UnauthenticatedError(BAD_CREDENTIALS)
    user, password_hash = found
    await security.throttle.record_success(email=email, address=address)
    if security.passwords.needs_rehash(password_hash):
        await repository.update_user(
            session=session,
            user_id=user.id,
            changes={"password_hash": security.passwords.hash(credentials.password)},
        )
    return await _start_session(session, security, user, family_id=uuid.uuid4())


async def refresh(deps: UsersDeps, refresh_token: str) -> IssuedTokens:
    """Rotate a refresh token. A token used twice means it leaked: the whole session ends."""
    session = deps.session
    token = await repository.lock_refresh_token(
        session=session, token_hash=refresh_token_digest(refresh_token)
    )
    if token is None:
        raise UnauthenticatedError("The refresh token is invalid.")
    if token.revoked_at is not None:
        raise UnauthenticatedError("The session has ended. Sign in again.")
    if token.used_at is not None:
        await repository.revoke_families(session=session, family_ids=[token.family_id])
        await session.commit()
        await end_sessions(deps.security, [token.family_id])
        raise UnauthenticatedError(
            "The refresh token was already used; the session has ended. Sign in again."
        )
    if token.expires_at <= datetime.now(UTC):
        raise UnauthenticatedError("The session has expired. Sign in again.")
    user = (await repository.get_users(session=session, ids=[token.user_id])).get(token.user_id)
    if user is None or user.is_deleted:
        raise UnauthenticatedError("The session has ended. Sign in again.")
    await repository.mark_refresh_token_used(session=session, token_id=token.id)
    return await _start_session(session, deps.security, user, family_id=token.family_id)


async def logout(deps: UsersDeps, refresh_token: str | None) -> None:
    """End the session named by the refresh token (whoever holds it) and/or by the caller's access token."""
    session, caller = deps.session, deps.caller
    families: list[uuid.UUID] = []
    if refresh_token:
        token = await repository.lock_refresh_token(
            session=session, token_hash=refresh_token_digest(refresh_token)
        )
        if token is not None:
            families.append(token.family_id)
    principal: Principal | None = None
    if not refresh_token or (isinstance(caller, Principal) and caller.is_authenticated):
        principal = require_role(caller, TokenRole.CUSTOMER, TokenRole.ADMIN)
        if principal.session_id:
            families.append(uuid.UUID(principal.session_id))
    if not families:
        raise UnauthenticatedError("Nothing to sign out of: give a refresh token or sign in.")
    await repository.revoke_families(session=session, family_ids=families)
    await session.commit()
    await end_sessions(deps.security, families)
    if principal is not None and principal.token_id and principal.expires_at:
        await deps.security.revocations.publish_token(principal.token_id, expires_at=principal.expires_at)


async def change_password(deps: UsersDeps, change: PasswordChange) -> None:
    """Owners change their password; every other session of the account ends."""
    session, security = deps.session, deps.security
    principal = require_role(deps.caller, TokenRole.CUSTOMER, TokenRole.ADMIN)
    user_id = uuid.UUID(str(principal.subject))
    user = (await repository.get_users(session=session, ids=[user_id])).get(user_id)
    password_hash = await repository.get_password_hash(session=session, user_id=user_id)
    if user is None or password_hash is None:
        raise UnauthenticatedError("Sign in to do this.")
    await security.throttle.attempt(email=user.email, address=None)
    if not security.passwords.verify(password_hash, change.current_password):
        raise BadUserInputError("The current password is incorrect.", field="currentPassword")
    await security.throttle.record_success(email=user.email, address=None)
    new_password = change.new_password
    check_password(new_password, email=user.email, first_name=user.first_name, last_name=user.last_name)
    await repository.update_user(
        session=session, user_id=user_id, changes={"password_hash": security.passwords.hash(new_password)}
    )
    keep = uuid.UUID(principal.session_id) if principal.session_id else None
    families = await repository.revoke_families(session=session, user_id=user_id, keep_family=keep)
    await session.commit()
    await end_sessions(security, families)


async def end_sessions(security: Security, families: list[uuid.UUID]) -> None:
    """Access tokens already issued for these sessions stop working everywhere, not just at expiry.

    Runs after the commit, which made the revocation durable; Redis is the fast path, republished from
    the table when this write fails or Redis loses it (`revocations.py`).
    """
    await security.revocations.publish_sessions(families)


async def _start_session(
    session: AsyncSession, security: Security, user: UserRecord, *, family_id: uuid.UUID
) -> IssuedTokens:
    refresh_token, digest = new_refresh_token()
    await repository.insert_refresh_token(
        session=session,
        user_id=user.id,
        family_id=family_id,
        token_hash=digest,
        expires_at=datetime.now(UTC) + timedelta(seconds=security.refresh_ttl_seconds),
    )
    await session.commit()
    return IssuedTokens(
        access_token=security.tokens.issue(user, session_id=family_id),
        expires_in=security.tokens.ttl_seconds,
        refresh_token=refresh_token,
        user=user,
    )
