"""What a product listing asks for: its conditions, its order and its keyset position.

Plain values beside the models, so resolvers, types, enums, services and the repositories share them
without the upper layers importing SQL code.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any


class ProductSort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NAME_ASC = "name_asc"
    NAME_DESC = "name_desc"


@dataclass(frozen=True)
class ProductSearch:
    """Which products a listing shows; `category_ids` already includes descendants when wanted."""

    text: str | None = None
    category_ids: Sequence[uuid.UUID] | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    include_inactive: bool = False


# A listing's keyset position: the sort column's value, then id.
SortKey = tuple[Any, uuid.UUID]
