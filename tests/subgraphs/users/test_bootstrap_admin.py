"""The bootstrap admin when several replicas of the users subgraph start at once (a Deployment's pods)."""

from __future__ import annotations

import asyncio
import uuid

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from subgraphs.users import accounts, repository
from subgraphs.users.models import UserRole
from subgraphs.users.passwords import Passwords
from tests.subgraphs.users.builders import PASSWORD

BLOCKED_INSERT = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO users.users%'
"""


async def wait_until_an_insert_waits_for_a_lock(engine: AsyncEngine) -> None:
    for _ in range(500):
        async with engine.connect() as connection:
            if await connection.scalar(text(BLOCKED_INSERT)):
                return
        await asyncio.sleep(0.01)
    raise AssertionError("the second replica's insert never waited for the first one's")


async def test_a_replica_that_loses_the_race_for_the_bootstrap_admin_starts_anyway(
    users_app: FastAPI, clean_users: None
) -> None:
    resources: AppResources = users_app.state.resources
    email = f"boot-{uuid.uuid4().hex[:8]}@example.com"
    passwords = Passwords(time_cost=1, memory_kib=8)
    admin = {
        "email": email,
        "first_name": "Admin",
        "last_name": "Gocart",
        "role": UserRole.ADMIN,
        "password_hash": passwords.hash(PASSWORD),
    }

    async def start_replica() -> object:
        async with resources.sessions() as session:
            return await accounts.ensure_admin(
                session=session, passwords=passwords, email=email, password=PASSWORD
            )

    async with resources.sessions() as first_replica:
        await repository.insert_user(session=first_replica, values=admin)  # not committed yet
        second_replica = asyncio.create_task(start_replica())
        await wait_until_an_insert_waits_for_a_lock(resources.engine)
        await first_replica.commit()
    created = await second_replica

    async with resources.engine.connect() as connection:
        rows = await connection.scalar(
            text("SELECT count(*) FROM users.users WHERE email = :email"), {"email": email}
        )
    assert created is None
    assert rows == 1
