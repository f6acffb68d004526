"""The per-request context of the products subgraph: loaders, caches and the category tree."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import Request

from subgraphs.common.app import base_context_kwargs
from subgraphs.common.auth import Caller
from subgraphs.common.context import AppResources, SubgraphContext
from subgraphs.products import service
from subgraphs.products.caches import ProductCaches
from subgraphs.products.category_tree import CategoryTree
from subgraphs.products.config import ProductsSettings
from subgraphs.products.loaders import ProductLoaders


class ProductsContext(SubgraphContext):
    def __init__(self, *, resources: AppResources, caller: Caller, request_id: str) -> None:
        super().__init__(resources=resources, caller=caller, request_id=request_id)
        self.caches = ProductCaches.create(resources.redis, resources.settings, resources.metrics)
        self.loaders = ProductLoaders(self.db, self.caches)
        self._tree: CategoryTree | None = None
        self._tree_lock = asyncio.Lock()
        settings = resources.settings
        # How long a reservation made in this request holds its stock.
        self.reservation_hold = (
            timedelta(seconds=settings.reservation_ttl_seconds)
            if isinstance(settings, ProductsSettings)
            else service.DEFAULT_RESERVATION_HOLD
        )

    @property
    def loaded_category_tree(self) -> CategoryTree | None:
        """The tree if this request has read it already (for resolvers that need not wait)."""
        return self._tree

    async def category_tree(self) -> CategoryTree:
        """The category tree, read at most once per request (from Redis, else one SQL query)."""
        async with self._tree_lock:
            if self._tree is None:
                async with self.db.use() as session:
                    self._tree = await service.load_category_tree(session=session, caches=self.caches)
            return self._tree


def context_factory(resources: AppResources, request: Request) -> ProductsContext:
    return ProductsContext(**base_context_kwargs(resources, request))
