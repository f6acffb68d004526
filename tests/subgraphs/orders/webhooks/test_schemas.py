"""The webhook inputs, checked once: URLs, event types, secrets, and an update that changes something."""

from __future__ import annotations

import pytest

from subgraphs.common.errors import BadUserInputError
from subgraphs.common.model_inputs import parse_input
from subgraphs.orders.webhooks.inputs import CreateWebhookEndpointInput, UpdateWebhookEndpointInput
from subgraphs.orders.webhooks.schemas import EndpointCreate, EndpointUpdate
from subgraphs.orders.webhooks.signing import check_secret


def test_a_new_endpoint_without_a_secret_gets_one() -> None:
    created = parse_input(
        EndpointCreate, CreateWebhookEndpointInput(url=" https://shop.test/hooks ", event_types=["order.*"])
    )

    assert created.url == "https://shop.test/hooks"
    assert check_secret(created.secret) == created.secret


def test_repeated_event_types_are_kept_once_in_the_order_given() -> None:
    created = parse_input(
        EndpointCreate,
        CreateWebhookEndpointInput(url="https://shop.test", event_types=["order.paid", "#", "order.paid"]),
    )

    assert created.event_types == ["order.paid", "#"]


def test_the_url_is_checked_before_the_event_types() -> None:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(EndpointCreate, CreateWebhookEndpointInput(url="ftp://shop.test", event_types=["nope"]))

    assert raised.value.extensions["field"] == "url"


def test_an_unknown_event_type_is_named() -> None:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(EndpointCreate, CreateWebhookEndpointInput(url="https://shop.test", event_types=["nope"]))

    assert (raised.value.extensions["field"], raised.value.extensions["unknown"]) == ("eventTypes", ["nope"])


def test_an_invalid_secret_names_secret() -> None:
    source = CreateWebhookEndpointInput(url="https://shop.test", event_types=["#"], secret="whsec_short")

    with pytest.raises(BadUserInputError) as raised:
        parse_input(EndpointCreate, source)

    assert raised.value.extensions["field"] == "secret"


def test_an_update_changes_only_what_it_gives() -> None:
    update = parse_input(EndpointUpdate, UpdateWebhookEndpointInput(active=False))

    assert update.changes() == {"active": False}


def test_an_update_that_changes_nothing_is_refused() -> None:
    with pytest.raises(BadUserInputError) as raised:
        parse_input(EndpointUpdate, UpdateWebhookEndpointInput())

    assert raised.value.message == "Give at least one of url, eventTypes and active."
