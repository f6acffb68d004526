"""The event types an endpoint may ask for are those schema/events/ declares; patterns must match one."""

from __future__ import annotations

from subgraphs.orders.webhooks.catalogue import EVENT_TYPES, known_or_matching
from tests.support.event_schemas import EVENT_SCHEMAS


def test_the_catalogue_is_every_checked_in_event_schema() -> None:
    declared = {path.name.split(".v")[0] for path in EVENT_SCHEMAS.glob("*.v*.json")}

    assert set(EVENT_TYPES) == declared


def test_patterns_that_match_a_known_type_are_accepted() -> None:
    assert all(known_or_matching(pattern) for pattern in ["order.*", "#", "*.changed", "stock.#"])


def test_names_and_patterns_that_match_nothing_are_refused() -> None:
    assert not any(known_or_matching(pattern) for pattern in ["order.refunded", "invoice.*", "*"])
