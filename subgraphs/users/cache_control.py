"""The users subgraph's answers are about people: private to the caller, for half a minute (a name on
an order page; the router keeps it per caller only). Anonymous callers asking for a person get an
error or null, which is not kept either way."""

from __future__ import annotations

from subgraphs.common.cache_control import CachePolicyTable, private

USERS_CACHE_POLICY = CachePolicyTable(default=private(30))
