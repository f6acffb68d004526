"""The users subgraph's use cases: accounts, sign-in, sessions, and who may see or change what.

Every write checks the caller first, commits, then drops what it changed from the cache. Sessions are
refresh-token families: a refresh rotates the token; presenting a used one ends the whole session.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.auth import Caller, Principal, require_role, require_signed_in
from subgraphs.common.auth import Role as TokenRole
from subgraphs.common.errors import (
    BadUserInputError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthenticatedError,
)
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.users import events, repository
from subgraphs.users.caches import UserCaches
from subgraphs.users.events import UserEvent
from subgraphs.users.models import UserRecord, UserRole
from subgraphs.users.passwords import Passwords, check_password
from subgraphs.users.revocations import SessionRevocations
from subgraphs.users.search import UserSearch
from subgraphs.users.throttle import LoginThrottle
from subgraphs.users.tokens import AccessTokenIssuer, IssuedTokens, new_refresh_token, refresh_token_digest

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")
BAD_CREDENTIALS = "The email or password is incorrect."

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Security:
    """What signing people in needs: hashing, token issuing, throttling and revocation."""

    passwords: Passwords
    tokens: AccessTokenIssuer
    throttle: LoginThrottle
    revocations: SessionRevocations
    refresh_ttl_seconds: int


# ---------------------------------------------------------------- input rules


def normalize_email(value: Any) -> str:
    email = str(value or "").strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise BadUserInputError("email is not a valid email address.", field="email")
    return email


def _name(value: Any, field: str) -> str:
    name = str(value or "").strip()
    if not name or len(name) > 100:
        raise BadUserInputError(f"{field} must be 1 to 100 characters.", field=field)
    return name


def _phone(value: Any) -> str | None:
    if value is None or not str(value).strip():
        return None
    phone = str(value).strip()
    if not PHONE_PATTERN.match(phone):
        raise BadUserInputError("phone must be a phone number such as +44 20 7946 0958.", field="phone")
    return phone


def may_see_private(caller: Caller, user_id: uuid.UUID) -> bool:
    """Email, phone and role are for the account's owner and admins only, wherever the user is shown."""
    return isinstance(caller, Principal) and (
        caller.role is TokenRole.ADMIN or caller.subject == str(user_id)
    )


def require_self_or_admin(caller: Caller, user_id: uuid.UUID) -> Principal:
    principal = require_signed_in(caller)
    if not may_see_private(principal, user_id):
        raise ForbiddenError("You may only do this for your own account.")
    return principal


# ---------------------------------------------------------------- accounts


async def register(
    *,
    session: AsyncSession,
    security: Security,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    phone: str | None,
) -> UserRecord:
    """A new customer account; anyone may register."""
    clean_email, first, last = (
        normalize_email(email),
        _name(first_name, "firstName"),
        _name(last_name, "lastName"),
    )
    check_password(password, email=clean_email, first_name=first, last_name=last)
    values = {
        "email": clean_email,
        "first_name": first,
        "last_name": last,
        "phone": _phone(phone),
        "role": UserRole.CUSTOMER,
        "password_hash": security.passwords.hash(password),
    }
    user = await repository.insert_user(session=session, values=values)
    await events.emit(session, UserEvent.REGISTERED, user)
    await session.commit()
    return user


async def ensure_admin(
    *, session: AsyncSession, passwords: Passwords, email: str, password: str
) -> UserRecord | None:
    """The bootstrap admin from settings: created when no live account has the email; None if it exists,
    also when another replica starting at the same moment created it first."""
    normalized = normalize_email(email)
    if await repository.get_live_user_with_hash(session=session, email=normalized) is not None:
        return None
    check_password(password, email=normalized)
    try:
        admin = await repository.insert_user(
            session=session,
            values={
                "email": normalized,
                "first_name": "Admin",
                "last_name": "Gocart",
                "role": UserRole.ADMIN,
                "password_hash": passwords.hash(password),
            },
        )
    except ConflictError:
        await session.rollback()
        return None
    await session.commit()
    return admin


def signed_in_user_id(caller: Caller) -> uuid.UUID | None:
    """`me`: the caller's account id; None for nobody; UNAUTHENTICATED for a bad or revoked token."""
    if isinstance(caller, Principal) and not caller.is_authenticated:
        return None
    principal = require_signed_in(caller)
    return uuid.UUID(str(principal.subject)) if principal.role is not TokenRole.SERVICE else None


def authorize_view(caller: Caller, user_id: uuid.UUID) -> None:
    """`user(id)`: the account's owner or an admin."""
    require_self_or_admin(caller, user_id)


@dataclass(frozen=True)
class UserPage:
    items: list[tuple[UserRecord, str]]
    has_next_page: bool
    has_previous_page: bool


def _encode_position(user: UserRecord) -> str:
    return encode_cursor({"c": user.created_at.isoformat(), "i": str(user.id)})


def _decode_position(cursor: str) -> tuple[datetime, uuid.UUID]:
    position = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(position["c"]), uuid.UUID(str(position["i"]))
    except (ValueError, KeyError, TypeError) as error:
        raise invalid_cursor() from error


async def list_users(
    *, session: AsyncSession, caller: Caller, search: UserSearch, first: int | None, after: str | None
) -> UserPage:
    """Admins: accounts, newest first, searchable by email or name."""
    require_role(caller, TokenRole.ADMIN)
    size = page_size(first)
    rows = await repository.search_users(
        session=session, search=search, limit=size + 1, after=_decode_position(after) if after else None
    )
    return UserPage(
        items=[(user, _encode_position(user)) for user in rows[:size]],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def count_users(*, session: AsyncSession, caller: Caller, search: UserSearch) -> int:
    require_role(caller, TokenRole.ADMIN)
    return await repository.count_users(session=session, search=search)


async def update_user(
    *,
    session: AsyncSession,
    caches: UserCaches,
    security: Security,
    caller: Caller,
    user_id: uuid.UUID,
    changes: Mapping[str, Any],
) -> UserRecord:
    """Owners change their details; only admins change a role (which ends the account's sessions)."""
    principal = require_self_or_admin(caller, user_id)
    cleaned: dict[str, Any] = {}
    if "email" in changes:
        cleaned["email"] = normalize_email(changes["email"])
    if "first_name" in changes:
        cleaned["first_name"] = _name(changes["first_name"], "firstName")
    if "last_name" in changes:
        cleaned["last_name"] = _name(changes["last_name"], "lastName")
    if "phone" in changes:
        cleaned["phone"] = _phone(changes["phone"])
    role_changed = False
    if "role" in changes:
        if not principal.is_admin():
            raise ForbiddenError("Only an admin can change a role.", field="role")
        if changes["role"] is None:
            raise BadUserInputError("role cannot be null.", field="role")
        cleaned["role"] = UserRole(changes["role"])
        role_changed = True
    current = (await repository.get_users(session=session, ids=[user_id])).get(user_id)
    if current is None or current.is_deleted:
        raise NotFoundError("There is no such account.", userId=str(user_id))
    if role_changed and current.role is UserRole.ADMIN and cleaned["role"] is not UserRole.ADMIN:
        await _refuse_removing_last_admin(session)
    user = await repository.update_user(session=session, user_id=user_id, changes=cleaned)
    if user is None:
        raise NotFoundError("There is no such account.", userId=str(user_id))
    families = await repository.revoke_families(session=session, user_id=user_id) if role_changed else []
    await session.commit()
    await _end_sessions(security, families)
    await caches.users.invalidate([user_id])
    return user


async def change_password(
    *, session: AsyncSession, security: Security, caller: Caller, current_password: str, new_password: str
) -> None:
    """Owners change their password; every other session of the account ends."""
    principal = require_role(caller, TokenRole.CUSTOMER, TokenRole.ADMIN)
    user_id = uuid.UUID(str(principal.subject))
    user = (await repository.get_users(session=session, ids=[user_id])).get(user_id)
    password_hash = await repository.get_password_hash(session=session, user_id=user_id)
    if user is None or password_hash is None:
        raise UnauthenticatedError("Sign in to do this.")
    await security.throttle.attempt(email=user.email, address=None)
    if not security.passwords.verify(password_hash, current_password):
        raise BadUserInputError("The current password is incorrect.", field="currentPassword")
    await security.throttle.record_success(email=user.email, address=None)
    check_password(new_password, email=user.email, first_name=user.first_name, last_name=user.last_name)
    await repository.update_user(
        session=session, user_id=user_id, changes={"password_hash": security.passwords.hash(new_password)}
    )
    keep = uuid.UUID(principal.session_id) if principal.session_id else None
    families = await repository.revoke_families(session=session, user_id=user_id, keep_family=keep)
    await session.commit()
    await _end_sessions(security, families)


async def delete_user(
    *, session: AsyncSession, caches: UserCaches, security: Security, caller: Caller, user_id: uuid.UUID
) -> UserRecord:
    """Soft delete: the email is free again and sign-in ends; orders keep resolving the account."""
    require_self_or_admin(caller, user_id)
    current = (await repository.get_users(session=session, ids=[user_id])).get(user_id)
    if current is None or current.is_deleted:
        raise NotFoundError("There is no such account.", userId=str(user_id))
    if current.role is UserRole.ADMIN:
        await _refuse_removing_last_admin(session)
    user = await repository.update_user(
        session=session, user_id=user_id, changes={"deleted_at": datetime.now(UTC)}
    )
    if user is None:
        raise NotFoundError("There is no such account.", userId=str(user_id))
    families = await repository.revoke_families(session=session, user_id=user_id)
    await events.emit(session, UserEvent.DELETED, user)
    await session.commit()
    await _end_sessions(security, families)
    await caches.users.invalidate([user_id])
    return user


async def _refuse_removing_last_admin(session: AsyncSession) -> None:
    if await repository.count_live_admins(session=session) <= 1:
        raise ConflictError("This is the last admin account; make another admin first.")


# ---------------------------------------------------------------- sessions


async def login(
    *, session: AsyncSession, security: Security, email: str, password: str, address: str | None
) -> IssuedTokens:
    """Tokens for a correct email and password; an unknown email gets the same answer as a wrong password."""
    normalized = str(email or "").strip().lower()
    await security.throttle.attempt(email=normalized, address=address)
    found = await repository.get_live_user_with_hash(session=session, email=normalized)
    if not security.passwords.verify(found[1] if found else None, password) or found is None:
        raise UnauthenticatedError(BAD_CREDENTIALS)
    user, password_hash = found
    await security.throttle.record_success(email=normalized, address=address)
    if security.passwords.needs_rehash(password_hash):
        await repository.update_user(
            session=session, user_id=user.id, changes={"password_hash": security.passwords.hash(password)}
        )
    return await _start_session(session, security, user, family_id=uuid.uuid4())


async def refresh(*, session: AsyncSession, security: Security, refresh_token: str) -> IssuedTokens:
    """Rotate a refresh token. A token used twice means it leaked: the whole session ends."""
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
        await _end_sessions(security, [token.family_id])
        raise UnauthenticatedError(
            "The refresh token was already used; the session has ended. Sign in again."
        )
    if token.expires_at <= datetime.now(UTC):
        raise UnauthenticatedError("The session has expired. Sign in again.")
    user = (await repository.get_users(session=session, ids=[token.user_id])).get(token.user_id)
    if user is None or user.is_deleted:
        raise UnauthenticatedError("The session has ended. Sign in again.")
    await repository.mark_refresh_token_used(session=session, token_id=token.id)
    return await _start_session(session, security, user, family_id=token.family_id)


async def logout(
    *, session: AsyncSession, security: Security, caller: Caller, refresh_token: str | None
) -> None:
    """End the session named by the refresh token (whoever holds it) and/or by the caller's access token."""
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
    await _end_sessions(security, families)
    if principal is not None and principal.token_id and principal.expires_at:
        await security.revocations.publish_token(principal.token_id, expires_at=principal.expires_at)


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


async def _end_sessions(security: Security, families: list[uuid.UUID]) -> None:
    """Access tokens already issued for these sessions stop working everywhere, not just at expiry.

    Runs after the commit, which made the revocation durable; Redis is the fast path, republished from
    the table when this write fails or Redis loses it (`revocations.py`).
    """
    await security.revocations.publish_sessions(families)
