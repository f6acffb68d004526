"""The users subgraph's domain events as its outbox holds them: registration and deletion, valid
against their schemas and carrying no secret."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import select

from subgraphs.common.context import AppResources
from subgraphs.common.events import DomainEvent, event_from_row
from subgraphs.users.models import EVENTS
from tests.subgraphs.users.builders import PASSWORD, Accounts
from tests.support.event_schemas import check_against_schema
from tests.support.graphql import GraphQLClient

DELETE = "mutation($id: ID!) { deleteUser(id: $id) { id deleted } }"


async def events_of(app: FastAPI, user_id: str) -> list[DomainEvent]:
    resources: AppResources = app.state.resources
    outbox = EVENTS.outbox
    async with resources.engine.connect() as connection:
        rows = await connection.execute(
            select(outbox).where(outbox.c.aggregate_id == user_id).order_by(outbox.c.position)
        )
        return [event_from_row(row) for row in rows.mappings()]


async def test_registering_then_deleting_an_account_emits_both_events_valid_against_their_schemas(
    gql: GraphQLClient, accounts: Accounts, users_app: FastAPI
) -> None:
    ada = await accounts.signed_in("ada.events@example.com")
    (await gql.execute(DELETE, {"id": ada.id}, token=ada.access_token)).ok()

    events = await events_of(users_app, ada.id)

    assert [(event.type, event.aggregate_version) for event in events] == [
        ("user.registered", 1),
        ("user.deleted", 2),
    ]
    assert events[0].data["email"] == "ada.events@example.com"
    for event in events:
        check_against_schema(event)
        assert PASSWORD not in event.to_json().decode()
        assert not any("password" in key for key in event.data)
