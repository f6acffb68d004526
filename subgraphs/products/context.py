"""The per-request context of the products subgraph: loaders, caches, the category tree, and the
dependencies its use cases are run with (`info.context.run(use_case, ...)`)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import Request
from sqlmodel.ext.asyncio.session import AsyncSession

from subgraphs.common.app import base_context_kwargs
from subgraphs.common.auth import Caller
from subgraphs.common.context import AppResources, SubgraphContext
from subgraphs.common.use_cases import UseCaseRunner
from subgraphs.products.caches import ProductCaches
from subgraphs.products.category_tree import CategoryTree
from subgraphs.products.config import ProductsSettings
from subgraphs.products.deps import DEFAULT_RESERVATION_HOLD, ProductsDeps
from subgraphs.products.loaders import ProductLoaders
from subgraphs.products.services.categories import load_category_tree


class ProductsContext(SubgraphContext, UseCaseRunner[ProductsDeps]):
    def __init__(self, *, resources: AppResources, caller: Caller, request_id: str) -> None:
        super().__init__(resources=resources, caller=caller, request_id=request_id)
        self.caches = ProductCaches.create(
            resources.redis, resources.settings, resources.metrics, resources.decoded
        )
        self.loaders = ProductLoaders(self.db, self.caches)
        self._tree: CategoryTree | None = None
        self._tree_lock = asyncio.Lock()
        settings = resources.settings
        # How long a reservation made in this request holds its stock.
        self.reservation_hold = (
            timedelta(seconds=settings.reservation_ttl_seconds)
            if isinstance(settings, ProductsSettings)
            else DEFAULT_RESERVATION_HOLD
        )

    def bind(self, session: AsyncSession) -> ProductsDeps:
        return ProductsDeps(
            session=session, caller=self.caller, caches=self.caches, reservation_hold=self.reservation_hold
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
                    self._tree = await load_category_tree(session=session, caches=self.caches)
            return self._tree


def context_factory(resources: AppResources, request: Request) -> ProductsContext:
    return ProductsContext(**base_context_kwargs(resources, request))
