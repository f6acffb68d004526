"""SQL for the users subgraph. Functions take a session and keyword-only arguments and return
records; they never commit (the service owns the transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, tuple_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.db import ColumnRow, apply_changes, column_rows, flush_or_conflict
from subgraphs.users.models import RefreshToken, RefreshTokenRecord, User, UserRecord, UserRole, utc_now
from subgraphs.users.search import UserSearch

EMAIL_TAKEN = "An account with this email already exists."
# A record's columns, read without ORM objects (and without the password hash, which no record holds).
_RECORD_COLUMNS = tuple(
    column
    for column in User.__table__.columns  # type: ignore[attr-defined]
    if column.name in UserRecord.model_fields
)


def _record(row: User | ColumnRow) -> UserRecord:
    """A record from a loaded user or a row of its columns (both read by attribute)."""
    return UserRecord.model_validate(row, from_attributes=True)


async def get_users(*, session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, UserRecord]:
    """Users by id, deleted ones included (their orders still name them): one query."""
    if not ids:
        return {}
    rows = await column_rows(session, select(*_RECORD_COLUMNS).where(col(User.id).in_(list(ids))))
    return {row.id: _record(row) for row in rows}


async def get_live_user_with_hash(*, session: AsyncSession, email: str) -> tuple[UserRecord, str] | None:
    """The live account with this (normalized) email and its password hash, for signing in."""
    statement = select(User).where(col(User.email) == email, col(User.deleted_at).is_(None))
    row = (await session.exec(statement)).first()
    return (_record(row), row.password_hash) if row is not None else None


async def get_password_hash(*, session: AsyncSession, user_id: uuid.UUID) -> str | None:
    row = await session.get(User, user_id)
    return row.password_hash if row is not None and row.deleted_at is None else None


async def insert_user(*, session: AsyncSession, values: Mapping[str, Any]) -> UserRecord:
    row = User(**values)
    session.add(row)
    await flush_or_conflict(session, EMAIL_TAKEN, field="email")
    return _record(row)


async def update_user(
    *, session: AsyncSession, user_id: uuid.UUID, changes: Mapping[str, Any]
) -> UserRecord | None:
    """Apply `changes` to a live account; None when there is no such account."""
    row = await session.get(User, user_id, with_for_update=True)
    if row is None or row.deleted_at is not None:
        return None
    apply_changes(row, changes)
    await flush_or_conflict(session, EMAIL_TAKEN, field="email")
    return _record(row)


async def count_live_admins(*, session: AsyncSession) -> int:
    """Live admins, their rows locked: two admins demoting each other at once cannot both pass."""
    statement = (
        select(col(User.id))
        .where(col(User.role) == UserRole.ADMIN.value, col(User.deleted_at).is_(None))
        .order_by(col(User.id))
        .with_for_update()
    )
    return len((await session.exec(statement)).all())


def _conditions(search: UserSearch) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not search.include_deleted:
        conditions.append(col(User.deleted_at).is_(None))
    if search.role is not None:
        conditions.append(col(User.role) == search.role.value)
    if search.text:
        escaped = search.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        full_name = func.concat(col(User.first_name), " ", col(User.last_name))
        conditions.append(
            or_(col(User.email).ilike(pattern), full_name.ilike(pattern), col(User.last_name).ilike(pattern))
        )
    return conditions


async def search_users(
    *, session: AsyncSession, search: UserSearch, limit: int, after: tuple[datetime, uuid.UUID] | None
) -> list[UserRecord]:
    """A page of accounts, newest first, in keyset order."""
    statement = select(User).where(*_conditions(search))
    if after is not None:
        statement = statement.where(tuple_(col(User.created_at), col(User.id)) < tuple_(*after))
    statement = statement.order_by(col(User.created_at).desc(), col(User.id).desc()).limit(limit)
    return [_record(row) for row in await session.exec(statement)]


async def count_users(*, session: AsyncSession, search: UserSearch) -> int:
    statement = select(func.count()).select_from(User).where(*_conditions(search))
    return int((await session.exec(statement)).one())


# ---------------------------------------------------------------- refresh tokens


async def insert_refresh_token(
    *, session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID, token_hash: str, expires_at: datetime
) -> None:
    session.add(
        RefreshToken(user_id=user_id, family_id=family_id, token_hash=token_hash, expires_at=expires_at)
    )
    await session.flush()


async def lock_refresh_token(*, session: AsyncSession, token_hash: str) -> RefreshTokenRecord | None:
    """The refresh token with this digest, locked, so two refreshes with one token cannot both win."""
    statement = select(RefreshToken).where(col(RefreshToken.token_hash) == token_hash).with_for_update()
    row = (await session.exec(statement)).first()
    return RefreshTokenRecord.model_validate(row, from_attributes=True) if row is not None else None


async def mark_refresh_token_used(*, session: AsyncSession, token_id: uuid.UUID) -> None:
    await session.exec(update(RefreshToken).where(col(RefreshToken.id) == token_id).values(used_at=utc_now()))


async def revoke_families(
    *,
    session: AsyncSession,
    family_ids: Sequence[uuid.UUID] | None = None,
    user_id: uuid.UUID | None = None,
    keep_family: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Revoke every live token of the given families (or of a user's families); returns the families.

    The tokens are locked first, in a statement of their own: a refresh holding one of them finishes
    (and commits the token it rotated to) before the UPDATE runs, whose fresh snapshot then revokes that
    new token too. Otherwise a refresh racing a logout would hand out a token that is never revoked.
    """
    conditions: list[ColumnElement[bool]] = [col(RefreshToken.revoked_at).is_(None)]
    if family_ids is not None:
        conditions.append(col(RefreshToken.family_id).in_(list(family_ids)))
    if user_id is not None:
        conditions.append(col(RefreshToken.user_id) == user_id)
    if keep_family is not None:
        conditions.append(col(RefreshToken.family_id) != keep_family)
    await session.exec(select(col(RefreshToken.id)).where(*conditions).with_for_update())
    result = await session.exec(
        update(RefreshToken)
        .where(*conditions)
        .values(revoked_at=utc_now())
        .returning(col(RefreshToken.family_id))
    )
    return sorted({family for (family,) in result})


async def sessions_revoked_since(*, session: AsyncSession, since: datetime) -> dict[uuid.UUID, datetime]:
    """Sessions (token families) revoked at or after `since`, each with when: the source of truth the
    revoked-session set in Redis is rebuilt from. One range scan of the partial index on `revoked_at`."""
    statement = (
        select(col(RefreshToken.family_id), func.max(col(RefreshToken.revoked_at)))
        .where(col(RefreshToken.revoked_at) >= since)
        .group_by(col(RefreshToken.family_id))
    )
    rows = await session.exec(statement)
    return {family: revoked_at for family, revoked_at in rows if revoked_at is not None}
