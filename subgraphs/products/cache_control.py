"""How long the products subgraph's answers may be kept: the catalogue for a minute, stock for five
seconds (it moves with every order; the router drops an entity sooner when invalidated). Staff
(admins, services) see unlisted products too, so what they are answered is private to them."""

from __future__ import annotations

from subgraphs.common.auth import Caller, Principal, Role
from subgraphs.common.cache_control import CacheHint, CachePolicyTable, private, public

CATALOGUE_SECONDS = 60
STOCK_SECONDS = 5
_STAFF = frozenset({Role.ADMIN, Role.SERVICE})


def _for_caller(caller: Caller) -> CacheHint | None:
    if isinstance(caller, Principal) and caller.role in _STAFF:
        return private(CATALOGUE_SECONDS)
    return None


PRODUCTS_CACHE_POLICY = CachePolicyTable(
    default=public(CATALOGUE_SECONDS),
    names={"stock": public(STOCK_SECONDS), "Stock": public(STOCK_SECONDS)},
    for_caller=_for_caller,
)
