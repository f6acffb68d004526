"""Demo data: a few customer accounts, and the bootstrap admin when settings name one.

Passwords are never in code: the caller passes them (`gocart` keeps a generated development password in
the data folder). Ids are derived from emails, so seeding again adds only what is missing.
"""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.users import accounts
from subgraphs.users.models import User, UserRole, utc_now
from subgraphs.users.passwords import Passwords

NAMESPACE = uuid.UUID("0b7e8f9a-4a6e-4d4c-8a57-2f1d5f0e9c31")

# email, first name, last name, phone
CUSTOMERS: list[tuple[str, str, str, str | None]] = [
    ("ada@example.com", "Ada", "Lovelace", "+44 20 7946 0018"),
    ("grace@example.com", "Grace", "Hopper", "+1 212 555 0142"),
    ("alan@example.com", "Alan", "Turing", None),
    ("katherine@example.com", "Katherine", "Johnson", "+1 757 555 0199"),
]


def customer_id(email: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"user:{email}")


async def seed(
    engine: AsyncEngine, passwords: Passwords, *, customer_password: str, admin: tuple[str, str] | None
) -> int:
    """Insert the demo customers (and the admin) where missing; returns how many customers were added."""
    password_hash = passwords.hash(customer_password)
    added = 0
    now = utc_now()
    async with engine.begin() as connection:
        for email, first_name, last_name, phone in CUSTOMERS:
            result = await connection.execute(
                insert(User)
                .values(
                    id=customer_id(email),
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    phone=phone,
                    role=UserRole.CUSTOMER.value,
                    password_hash=password_hash,
                    created_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()
                .returning(col(User.id))
            )
            added += result.first() is not None
    if admin is not None:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            await accounts.ensure_admin(
                session=session, passwords=passwords, email=admin[0], password=admin[1]
            )
    return added
