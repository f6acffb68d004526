"""The orders subgraph's answers are never kept: an order's status moves with payments, shipping and
webhooks, and a stale one is worse than a fetch."""

from __future__ import annotations

from subgraphs.common.cache_control import NO_STORE, CachePolicyTable

ORDERS_CACHE_POLICY = CachePolicyTable(default=NO_STORE)
