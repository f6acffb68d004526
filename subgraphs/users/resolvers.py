"""Root queries and mutations of the users subgraph: parse arguments, call a use case, map records.

Resolvers hold no rules of their own; who may do what lives in `accounts` and `sessions`, what input is
acceptable in `schemas`.
"""

from __future__ import annotations

import strawberry

from subgraphs.common.costs import connection_size
from subgraphs.common.ids import parse_id
from subgraphs.common.model_inputs import parse_input
from subgraphs.users import accounts, sessions
from subgraphs.users.inputs import LoginInput, RegisterInput, UpdateUserInput, UserFilter
from subgraphs.users.schemas import Credentials, PasswordChange, UserRegistration, UserUpdate
from subgraphs.users.types import AuthPayload, User, UserConnection, UsersInfo


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in account; null when nobody is signed in.")
    async def me(self, info: UsersInfo) -> User | None:
        user_id = accounts.signed_in_user_id(info.context.caller)
        record = await info.context.loaders.users.load(user_id) if user_id else None
        return User.from_record(record) if record is not None and not record.is_deleted else None

    @strawberry.field(description="An account, for its owner or an admin; null when there is none.")
    async def user(self, info: UsersInfo, id: strawberry.ID) -> User | None:
        user_id = parse_id(id)
        accounts.authorize_view(info.context.caller, user_id)
        record = await info.context.loaders.users.load(user_id)
        return User.from_record(record) if record is not None else None

    @strawberry.field(
        description=(
            "Admins: accounts, newest first, searchable by email or name; null, with the error, for "
            "anyone else."
        ),
        directives=[connection_size()],
    )
    async def users(
        self,
        info: UsersInfo,
        filter: UserFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> UserConnection | None:  # nullable: a refusal nulls this field only, not the whole answer
        search = (filter or UserFilter()).as_search()
        page = await info.context.run(accounts.list_users, search, first=first, after=after)
        return UserConnection.of(
            [(User.from_record(record), cursor) for record, cursor in page.items],
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            search=search,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a customer account. Sign in with `login` afterwards.")
    async def register(self, info: UsersInfo, input: RegisterInput) -> User:
        record = await info.context.run(accounts.register, parse_input(UserRegistration, input))
        return User.from_record(record, shown_to_owner=True)

    @strawberry.mutation(description="Sign in: an access token and a refresh token.")
    async def login(self, info: UsersInfo, input: LoginInput) -> AuthPayload:
        tokens = await info.context.run(sessions.login, parse_input(Credentials, input))
        return AuthPayload.from_tokens(tokens)

    @strawberry.mutation(description="New tokens for a refresh token, which is then used up.")
    async def refresh_token(self, info: UsersInfo, refresh_token: str) -> AuthPayload:
        tokens = await info.context.run(sessions.refresh, refresh_token)
        return AuthPayload.from_tokens(tokens)

    @strawberry.mutation(description="Sign out: ends the session of the refresh token and/or access token.")
    async def logout(self, info: UsersInfo, refresh_token: str | None = None) -> bool:
        await info.context.run(sessions.logout, refresh_token)
        return True

    @strawberry.mutation(description="Change an account's details: its owner, or an admin (also the role).")
    async def update_user(self, info: UsersInfo, id: strawberry.ID, input: UpdateUserInput) -> User:
        record = await info.context.run(accounts.update_user, parse_id(id), parse_input(UserUpdate, input))
        return User.from_record(record)

    @strawberry.mutation(description="Change your password; your other sessions end.")
    async def change_password(self, info: UsersInfo, current_password: str, new_password: str) -> bool:
        change = parse_input(PasswordChange, current_password=current_password, new_password=new_password)
        await info.context.run(sessions.change_password, change)
        return True

    @strawberry.mutation(description="Delete an account (its owner, or an admin); its orders stay intact.")
    async def delete_user(self, info: UsersInfo, id: strawberry.ID) -> User:
        record = await info.context.run(accounts.delete_user, parse_id(id))
        return User.from_record(record)
