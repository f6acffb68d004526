"""Strawberry subgraphs for `tests/router/supergraphs/external_node.py`.

Each subgraph answers `node(id:)` for both types, but gives the id of the type it holds as `@external`
the value "never": a router fetching an `@external` field from there would show it in the response.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL

USERNAMES = {"a1": "ann"}
TEXTS = {"c1": "hello"}
CHAT_ACCOUNTS = {"c1": "a1"}
NEVER = strawberry.ID("never")


@strawberry.interface
class Node:
    id: strawberry.ID


# -- a: owns Account, holds Chat.id as @external ------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Account")
class OwnedAccount(Node):
    username: str

    @classmethod
    def resolve_reference(cls, **representation: Any) -> OwnedAccount:
        account_id = str(representation["id"])
        return OwnedAccount(id=strawberry.ID(account_id), username=USERNAMES[account_id])


@strawberry.federation.type(keys=["id"], name="Chat")
class ChatReference(Node):
    id: strawberry.ID = strawberry.federation.field(external=True)
    chat_id: strawberry.Private[str]

    @strawberry.field
    def account(self) -> OwnedAccount:
        account_id = CHAT_ACCOUNTS[self.chat_id]
        return OwnedAccount(id=strawberry.ID(account_id), username=USERNAMES[account_id])

    @classmethod
    def resolve_reference(cls, **representation: Any) -> ChatReference:
        chat_id = str(representation["id"])
        return ChatReference(id=strawberry.ID(chat_id), chat_id=chat_id)


@strawberry.type(name="Query")
class AccountsQuery:
    @strawberry.field
    def node(self, id: strawberry.ID) -> Node | None:
        if str(id) in USERNAMES:
            return OwnedAccount(id=id, username=USERNAMES[str(id)])
        return ChatReference(id=NEVER, chat_id=str(id)) if str(id) in TEXTS else None

    @strawberry.field
    def account(self, id: str) -> OwnedAccount | None:
        return OwnedAccount(id=strawberry.ID(id), username=USERNAMES[id]) if id in USERNAMES else None


# -- b: owns Chat, holds Account.id as @external ------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Chat")
class OwnedChat(Node):
    text: str

    @classmethod
    def resolve_reference(cls, **representation: Any) -> OwnedChat:
        chat_id = str(representation["id"])
        return OwnedChat(id=strawberry.ID(chat_id), text=TEXTS[chat_id])


@strawberry.federation.type(keys=["id"], name="Account")
class AccountReference(Node):
    id: strawberry.ID = strawberry.federation.field(external=True)
    account_id: strawberry.Private[str]

    @strawberry.field
    def chats(self) -> list[OwnedChat]:
        return [
            OwnedChat(id=strawberry.ID(chat_id), text=TEXTS[chat_id])
            for chat_id, account_id in CHAT_ACCOUNTS.items()
            if account_id == self.account_id
        ]

    @classmethod
    def resolve_reference(cls, **representation: Any) -> AccountReference:
        account_id = str(representation["id"])
        return AccountReference(id=strawberry.ID(account_id), account_id=account_id)


@strawberry.type(name="Query")
class ChatsQuery:
    @strawberry.field
    def node(self, id: strawberry.ID) -> Node | None:
        if str(id) in TEXTS:
            return OwnedChat(id=id, text=TEXTS[str(id)])
        return AccountReference(id=NEVER, account_id=str(id)) if str(id) in USERNAMES else None

    @strawberry.field
    def chat(self, id: str) -> OwnedChat | None:
        return OwnedChat(id=strawberry.ID(id), text=TEXTS[id]) if id in TEXTS else None


def external_node_apps() -> dict[str, GraphQL[Any, Any]]:
    return {
        "a": GraphQL(strawberry.federation.Schema(query=AccountsQuery, types=(OwnedAccount, ChatReference))),
        "b": GraphQL(strawberry.federation.Schema(query=ChatsQuery, types=(OwnedChat, AccountReference))),
    }
