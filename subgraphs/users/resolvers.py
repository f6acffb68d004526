"""Root queries and mutations of the users subgraph: parse arguments, call a service, map records.

Resolvers hold no rules of their own; who may do what lives in `service`.
"""

from __future__ import annotations

import strawberry

from subgraphs.common.costs import connection_size
from subgraphs.common.graphql_types import PageInfo
from subgraphs.common.ids import parse_id
from subgraphs.common.inputs import given_fields
from subgraphs.users import service
from subgraphs.users.inputs import LoginInput, RegisterInput, UpdateUserInput, UserFilter
from subgraphs.users.search import UserSearch
from subgraphs.users.types import AuthPayload, User, UserConnection, UserEdge, UsersInfo

UPDATE_FIELDS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "role": "role",
}


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in account; null when nobody is signed in.")
    async def me(self, info: UsersInfo) -> User | None:
        user_id = service.signed_in_user_id(info.context.caller)
        record = await info.context.loaders.users.load(user_id) if user_id else None
        return User.from_record(record) if record is not None and not record.is_deleted else None

    @strawberry.field(description="An account, for its owner or an admin; null when there is none.")
    async def user(self, info: UsersInfo, id: strawberry.ID) -> User | None:
        user_id = parse_id(id)
        service.authorize_view(info.context.caller, user_id)
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
        where = filter or UserFilter()
        search = UserSearch(
            text=(where.search or "").strip() or None, role=where.role, include_deleted=where.include_deleted
        )
        async with info.context.db.use() as session:
            page = await service.list_users(
                session=session, caller=info.context.caller, search=search, first=first, after=after
            )
        edges = [UserEdge(cursor=cursor, node=User.from_record(record)) for record, cursor in page.items]
        return UserConnection(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges],
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
            ),
            search=search,
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a customer account. Sign in with `login` afterwards.")
    async def register(self, info: UsersInfo, input: RegisterInput) -> User:
        async with info.context.db.use() as session:
            record = await service.register(
                session=session,
                security=info.context.security,
                email=input.email,
                password=input.password,
                first_name=input.first_name,
                last_name=input.last_name,
                phone=input.phone,
            )
        return User.from_record(record, shown_to_owner=True)

    @strawberry.mutation(description="Sign in: an access token and a refresh token.")
    async def login(self, info: UsersInfo, input: LoginInput) -> AuthPayload:
        async with info.context.db.use() as session:
            tokens = await service.login(
                session=session,
                security=info.context.security,
                email=input.email,
                password=input.password,
                address=info.context.client_address,
            )
        return AuthPayload.from_tokens(tokens)

    @strawberry.mutation(description="New tokens for a refresh token, which is then used up.")
    async def refresh_token(self, info: UsersInfo, refresh_token: str) -> AuthPayload:
        async with info.context.db.use() as session:
            tokens = await service.refresh(
                session=session, security=info.context.security, refresh_token=refresh_token
            )
        return AuthPayload.from_tokens(tokens)

    @strawberry.mutation(description="Sign out: ends the session of the refresh token and/or access token.")
    async def logout(self, info: UsersInfo, refresh_token: str | None = None) -> bool:
        async with info.context.db.use() as session:
            await service.logout(
                session=session,
                security=info.context.security,
                caller=info.context.caller,
                refresh_token=refresh_token,
            )
        return True

    @strawberry.mutation(description="Change an account's details: its owner, or an admin (also the role).")
    async def update_user(self, info: UsersInfo, id: strawberry.ID, input: UpdateUserInput) -> User:
        async with info.context.db.use() as session:
            record = await service.update_user(
                session=session,
                caches=info.context.caches,
                security=info.context.security,
                caller=info.context.caller,
                user_id=parse_id(id),
                changes=given_fields(input, UPDATE_FIELDS),
            )
        return User.from_record(record)

    @strawberry.mutation(description="Change your password; your other sessions end.")
    async def change_password(self, info: UsersInfo, current_password: str, new_password: str) -> bool:
        async with info.context.db.use() as session:
            await service.change_password(
                session=session,
                security=info.context.security,
                caller=info.context.caller,
                current_password=current_password,
                new_password=new_password,
            )
        return True

    @strawberry.mutation(description="Delete an account (its owner, or an admin); its orders stay intact.")
    async def delete_user(self, info: UsersInfo, id: strawberry.ID) -> User:
        async with info.context.db.use() as session:
            record = await service.delete_user(
                session=session,
                caches=info.context.caches,
                security=info.context.security,
                caller=info.context.caller,
                user_id=parse_id(id),
            )
        return User.from_record(record)
