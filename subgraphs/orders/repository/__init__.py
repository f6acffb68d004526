"""SQL for the orders subgraph. Functions take a session and keyword-only arguments and return
records; they never commit (the service owns the transaction). One module per kind of work; the
functions are named here so a service reads `repository.transition(...)` whichever module holds it.
"""

from __future__ import annotations

from subgraphs.orders.repository.listing import customer_order_keys, search_order_ids
from subgraphs.orders.repository.reading import find_by_idempotency_key, get_order, get_orders, lock_order
from subgraphs.orders.repository.stock_tasks import (
    claim_due_stock_tasks,
    finish_stock_task,
    get_stock_task,
    postpone_stock_task,
    put_stock_task,
)
from subgraphs.orders.repository.writing import (
    delete_order,
    insert_order,
    record_refund,
    stale_pending_orders,
    transition,
)

__all__ = [
    "claim_due_stock_tasks",
    "customer_order_keys",
    "delete_order",
    "find_by_idempotency_key",
    "finish_stock_task",
    "get_order",
    "get_orders",
    "get_stock_task",
    "insert_order",
    "lock_order",
    "postpone_stock_task",
    "put_stock_task",
    "record_refund",
    "search_order_ids",
    "stale_pending_orders",
    "transition",
]
