"""GraphQL object types of the users subgraph, built from records (never from ORM rows)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry.types import Info

from subgraphs.common.connections import Connection
from subgraphs.common.costs import count_cost
from subgraphs.common.ids import parse_id
from subgraphs.users import accounts
from subgraphs.users.enums import UserRole
from subgraphs.users.models import UserRecord
from subgraphs.users.search import UserSearch
from subgraphs.users.tokens import IssuedTokens

if TYPE_CHECKING:
    from subgraphs.users.context import UsersContext

    UsersInfo = Info[UsersContext, None]
else:
    UsersInfo = Info


@strawberry.federation.type(keys=["id"], description="A person's account.")
class User:
    id: strawberry.ID
    first_name: str
    last_name: str
    created_at: datetime
    updated_at: datetime
    deleted: bool = strawberry.field(description="The account was deleted; its orders still show it.")
    user_id: strawberry.Private[uuid.UUID]
    email_address: strawberry.Private[str]
    phone_number: strawberry.Private[str | None]
    account_role: strawberry.Private[UserRole]
    shown_to_owner: strawberry.Private[bool]

    @classmethod
    def from_record(cls, record: UserRecord, *, shown_to_owner: bool = False) -> User:
        """`shown_to_owner`: the answer goes to the owner (register, login) before any token says so."""
        return cls(
            id=strawberry.ID(str(record.id)),
            first_name=record.first_name,
            last_name=record.last_name,
            created_at=record.created_at,
            updated_at=record.updated_at,
            deleted=record.is_deleted,
            user_id=record.id,
            email_address=record.email,
            phone_number=record.phone,
            account_role=record.role,
            shown_to_owner=shown_to_owner,
        )

    def _private_visible(self, info: UsersInfo) -> bool:
        return self.shown_to_owner or accounts.may_see_private(info.context.caller, self.user_id)

    @classmethod
    async def resolve_reference(cls, info: UsersInfo, id: strawberry.ID) -> User | None:
        user_id = parse_id(id)
        record = await info.context.loaders.users.load(user_id)
        return cls.from_record(record) if record is not None else None

    @strawberry.field(description="Only for the account's owner and admins; null for everyone else.")
    def email(self, info: UsersInfo) -> str | None:
        return self.email_address if self._private_visible(info) else None

    @strawberry.field(description="Only for the account's owner and admins; null for everyone else.")
    def phone(self, info: UsersInfo) -> str | None:
        return self.phone_number if self._private_visible(info) else None

    @strawberry.field(description="Only for the account's owner and admins; null for everyone else.")
    def role(self, info: UsersInfo) -> UserRole | None:
        return self.account_role if self._private_visible(info) else None


@strawberry.type(description="What signing in gives: send `accessToken` as `Authorization: Bearer <token>`.")
class AuthPayload:
    access_token: str
    token_type: str
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    refresh_token: str = strawberry.field(description="Exchange it with `refreshToken` for new tokens; once.")
    user: User

    @classmethod
    def from_tokens(cls, tokens: IssuedTokens) -> AuthPayload:
        return cls(
            access_token=tokens.access_token,
            token_type="Bearer",  # noqa: S106  (the OAuth token type, not a secret)
            expires_in=tokens.expires_in,
            refresh_token=tokens.refresh_token,
            user=User.from_record(tokens.user, shown_to_owner=True),
        )


@strawberry.type
class UserConnection(Connection[User]):
    search: strawberry.Private[UserSearch]

    @strawberry.field(description="How many accounts match, over all pages.", directives=[count_cost()])
    async def total_count(self, info: UsersInfo) -> int:
        return await info.context.run(accounts.count_users, self.search)
