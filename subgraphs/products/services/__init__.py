"""The products subgraph's use cases, by what they do: `catalogue` (products), `categories`, `stock`
(restocks, adjustments, reservations) and `settlement` (selling or giving back what an order holds).

Each takes the request's `ProductsDeps` first, then what the use case is given (a `schemas` model, an
id). Every write checks the caller's role first, commits, then drops what it changed from the cache.
"""

from __future__ import annotations

from subgraphs.common.auth import Role

STAFF = (Role.ADMIN,)
