"""The users subgraph's domain events (schema/events/user.*.json), written to its outbox in the
transaction of the account change they report. The aggregate is the user; no event carries a
password hash or any secret."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.events import append_event
from subgraphs.users.models import EVENTS, UserRecord

SOURCE = "users"
AGGREGATE = "user"
SCHEMA_VERSION = 1


class UserEvent(StrEnum):
    REGISTERED = "user.registered"
    DELETED = "user.deleted"


async def emit(session: AsyncSession, event: UserEvent, user: UserRecord) -> None:
    data = {"user_id": user.id, "email": user.email, "role": user.role.value}
    if event is UserEvent.REGISTERED:
        data |= {"first_name": user.first_name, "last_name": user.last_name}
    await append_event(
        session,
        EVENTS,
        source=SOURCE,
        type=event.value,
        schema_version=SCHEMA_VERSION,
        aggregate_type=AGGREGATE,
        aggregate_id=user.id,
        data=data,
    )
