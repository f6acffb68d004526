"""The event types an endpoint may ask for: every subgraph's, as schema/events/ declares them.

The orders subgraph cannot import the others' code, so the list is kept here; a test checks it against
schema/events/.
"""

from __future__ import annotations

from subgraphs.common.event_consumers import topic_matches

EVENT_TYPES: tuple[str, ...] = (
    "order.placed",
    "order.paid",
    "order.payment_failed",
    "order.cancelled",
    "order.shipped",
    "order.delivered",
    "product.created",
    "product.updated",
    "product.deleted",
    "stock.changed",
    "stock.low",
    "user.registered",
    "user.deleted",
)

WILDCARDS = frozenset({"*", "#"})


def is_pattern(event_type: str) -> bool:
    return any(word in WILDCARDS for word in event_type.split("."))


def known_or_matching(event_type: str) -> bool:
    """A known type, or a pattern (`order.*`, `#`) that matches at least one."""
    if not is_pattern(event_type):
        return event_type in EVENT_TYPES
    return any(topic_matches(event_type, known) for known in EVENT_TYPES)


def wanted_by(patterns: list[str], event_type: str) -> bool:
    return any(topic_matches(pattern, event_type) for pattern in patterns)
