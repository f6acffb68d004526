"""The orders subgraph's answers are never kept."""

from subgraphs.common.auth import Principal, Role
from subgraphs.common.cache_control import NO_STORE
from subgraphs.orders.cache_control import ORDERS_CACHE_POLICY


def test_orders_are_never_stored() -> None:
    caller = Principal(subject="c1", role=Role.CUSTOMER)
    assert ORDERS_CACHE_POLICY.hint("{ orders { edges { node { id } } } }", caller, failed=False) == NO_STORE
