"""Registering, listing, changing and removing webhook endpoints through GraphQL: admins only, with
the URL and event types checked."""

from __future__ import annotations

import pytest

from subgraphs.orders.webhooks.signing import check_secret, generate_secret
from tests.subgraphs.orders.webhooks.conftest import CREATE_ENDPOINT, ENDPOINTS, Admin
from tests.support.graphql import GraphQLClient
from tests.support.tokens import Tokens

URL = "https://hooks.example.com/gocart"
UPDATE = """
mutation($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) { id url eventTypes active }
}
"""
DELETE = "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }"


def creating(
    url: str = URL, event_types: list[str] | None = None, secret: str | None = None
) -> dict[str, object]:
    return {"input": {"url": url, "eventTypes": event_types or ["order.*"], "secret": secret}}


async def test_an_endpoint_is_created_with_a_generated_secret_shown_once(admin: Admin) -> None:
    created = await admin.register(URL, ["order.paid", "stock.*"])

    assert check_secret(created["secret"]) == created["secret"]
    assert created["endpoint"]["eventTypes"] == ["order.paid", "stock.*"]
    assert created["endpoint"]["active"] is True
    (listed,) = await admin.endpoints()
    assert listed["id"] == created["endpoint"]["id"]
    assert "secret" not in listed


async def test_an_endpoint_keeps_the_secret_it_was_given(admin: Admin) -> None:
    secret = generate_secret()

    assert (await admin.register(URL, ["#"], secret))["secret"] == secret


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example.com/x", "hooks.example.com/x", "https://", "javascript:alert(1)", "http://[::1/x"],
)
async def test_a_url_that_is_not_http_is_refused(admin: Admin, url: str) -> None:
    result = await admin.gql.execute(CREATE_ENDPOINT, creating(url), token=admin.token)

    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "url"


async def test_an_unknown_event_type_is_refused_with_the_catalogue(admin: Admin) -> None:
    result = await admin.gql.execute(
        CREATE_ENDPOINT, creating(event_types=["order.paid", "order.refunded"]), token=admin.token
    )

    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["unknown"] == ["order.refunded"]
    assert "order.paid" in result.errors[0]["extensions"]["known"]


async def test_a_malformed_secret_is_refused(admin: Admin) -> None:
    result = await admin.gql.execute(CREATE_ENDPOINT, creating(secret="hunter2"), token=admin.token)

    assert result.codes == ["BAD_USER_INPUT"]


async def test_a_customer_may_not_register_an_endpoint(admin: Admin, tokens: Tokens) -> None:
    result = await admin.gql.execute(CREATE_ENDPOINT, creating(), token=tokens.customer)

    assert result.codes == ["FORBIDDEN"]
    assert await admin.endpoints() == []


async def test_an_anonymous_caller_may_not_register_an_endpoint(admin: Admin) -> None:
    result = await admin.gql.execute(CREATE_ENDPOINT, creating())

    assert result.codes == ["UNAUTHENTICATED"]


async def test_a_customer_sees_no_endpoints(gql: GraphQLClient, admin: Admin, tokens: Tokens) -> None:
    await admin.register(URL, ["#"])

    result = await gql.execute(ENDPOINTS, {}, token=tokens.customer)

    assert result.data == {"webhookEndpoints": None}
    assert result.codes == ["FORBIDDEN"]


async def test_endpoints_are_listed_newest_first_a_page_at_a_time(admin: Admin) -> None:
    for number in range(3):
        await admin.register(f"{URL}/{number}", ["#"])

    first = (await admin.gql.execute(ENDPOINTS, {"first": 2}, token=admin.token)).ok()["webhookEndpoints"]
    cursor = first["pageInfo"]["endCursor"]
    rest = (await admin.gql.execute(ENDPOINTS, {"first": 2, "after": cursor}, token=admin.token)).ok()

    assert [node["url"] for node in first["nodes"]] == [f"{URL}/2", f"{URL}/1"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [node["url"] for node in rest["webhookEndpoints"]["nodes"]] == [f"{URL}/0"]


async def test_an_endpoint_is_deactivated_and_its_event_types_changed(admin: Admin) -> None:
    endpoint_id = (await admin.register(URL, ["#"]))["endpoint"]["id"]

    result = await admin.gql.execute(
        UPDATE, {"id": endpoint_id, "input": {"active": False, "eventTypes": ["user.*"]}}, token=admin.token
    )

    assert result.ok()["updateWebhookEndpoint"] == {
        "id": endpoint_id,
        "url": URL,
        "eventTypes": ["user.*"],
        "active": False,
    }


async def test_a_customer_may_not_change_an_endpoint(admin: Admin, tokens: Tokens) -> None:
    endpoint_id = (await admin.register(URL, ["#"]))["endpoint"]["id"]

    result = await admin.gql.execute(
        UPDATE, {"id": endpoint_id, "input": {"active": False}}, token=tokens.customer
    )

    assert result.codes == ["FORBIDDEN"]


async def test_a_deleted_endpoint_is_gone(admin: Admin) -> None:
    endpoint_id = (await admin.register(URL, ["#"]))["endpoint"]["id"]

    (await admin.gql.execute(DELETE, {"id": endpoint_id}, token=admin.token)).ok()

    assert await admin.endpoints() == []
    again = await admin.gql.execute(DELETE, {"id": endpoint_id}, token=admin.token)
    assert again.codes == ["NOT_FOUND"]
