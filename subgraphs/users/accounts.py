"""Accounts: registering, seeing, listing, changing (the role too) and deleting them.

Every write checks the caller first, commits, then drops what it changed from the cache. A role change
or a deletion also ends the account's sessions (`sessions.end_sessions`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.callers import Caller, Principal, require_role, require_signed_in
from subgraphs.common.callers import Role as TokenRole
from subgraphs.common.errors import BadUserInputError, ConflictError, ForbiddenError, NotFoundError
from subgraphs.common.model_inputs import given
from subgraphs.common.pagination import decode_cursor, encode_cursor, invalid_cursor, page_size
from subgraphs.users import events, repository
from subgraphs.users.deps import UsersDeps
from subgraphs.users.events import UserEvent
from subgraphs.users.models import UserRecord, UserRole
from subgraphs.users.passwords import Passwords, check_password
from subgraphs.users.schemas import UserRegistration, UserUpdate, normalize_email
from subgraphs.users.search import UserSearch
from subgraphs.users.sessions import end_sessions

# ---------------------------------------------------------------- who may see what


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


def signed_in_user_id(caller: Caller) -> uuid.UUID | None:
    """`me`: the caller's account id; None for nobody; UNAUTHENTICATED for a bad or revoked token."""
    if isinstance(caller, Principal) and not caller.is_authenticated:
        return None
    principal = require_signed_in(caller)
    return uuid.UUID(str(principal.subject)) if principal.role is not TokenRole.SERVICE else None


def authorize_view(caller: Caller, user_id: uuid.UUID) -> None:
    """`user(id)`: the account's owner or an admin."""
    require_self_or_admin(caller, user_id)


# ---------------------------------------------------------------- creating


async def register(deps: UsersDeps, registration: UserRegistration) -> UserRecord:
    """A new customer account; anyone may register."""
    values = {
        "email": registration.email,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "phone": registration.phone,
        "role": UserRole.CUSTOMER,
        "password_hash": deps.security.passwords.hash(registration.password),
    }
    user = await repository.insert_user(session=deps.session, values=values)
    await events.emit(deps.session, UserEvent.REGISTERED, user)
    await deps.session.commit()
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


# ---------------------------------------------------------------- listing


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
    deps: UsersDeps, search: UserSearch, *, first: int | None, after: str | None
) -> UserPage:
    """Admins: accounts, newest first, searchable by email or name."""
    require_role(deps.caller, TokenRole.ADMIN)
    size = page_size(first)
    rows = await repository.search_users(
        session=deps.session,
        search=search,
        limit=size + 1,
        after=_decode_position(after) if after else None,
    )
    return UserPage(
        items=[(user, _encode_position(user)) for user in rows[:size]],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def count_users(deps: UsersDeps, search: UserSearch) -> int:
    require_role(deps.caller, TokenRole.ADMIN)
    return await repository.count_users(session=deps.session, search=search)


# ---------------------------------------------------------------- changing and deleting


async def update_user(deps: UsersDeps, user_id: uuid.UUID, update: UserUpdate) -> UserRecord:
    """Owners change their details; only admins change a role (which ends the account's sessions)."""
    principal = require_self_or_admin(deps.caller, user_id)
    changes: dict[str, Any] = given(update)
    role_changed = "role" in changes
    if role_changed:
        if not principal.is_admin():
            raise ForbiddenError("Only an admin can change a role.", field="role")
        if changes["role"] is None:
            raise BadUserInputError("role cannot be null.", field="role")
    session = deps.session
    current = (await repository.get_users(session=session, ids=[user_id])).get(user_id)
    if current is None or current.is_deleted:
        raise NotFoundError("There is no such account.", userId=str(user_id))
    if role_changed and current.role is UserRole.ADMIN and changes["role"] is not UserRole.ADMIN:
        await _refuse_removing_last_admin(session)
    user = await repository.update_user(session=session, user_id=user_id, changes=changes)
    if user is None:
        raise NotFoundError("There is no such account.", userId=str(user_id))
    families = await repository.revoke_families(session=session, user_id=user_id) if role_changed else []
    await session.commit()
    await end_sessions(deps.security, families)
    await deps.caches.users.invalidate([user_id])
    return user


async def delete_user(deps: UsersDeps, user_id: uuid.UUID) -> UserRecord:
    """Soft delete: the email is free again and sign-in ends; orders keep resolving the account."""
    require_self_or_admin(deps.caller, user_id)
    session = deps.session
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
    await end_sessions(deps.security, families)
    await deps.caches.users.invalidate([user_id])
    return user


async def _refuse_removing_last_admin(session: AsyncSession) -> None:
    if await repository.count_live_admins(session=session) <= 1:
        raise ConflictError("This is the last admin account; make another admin first.")
