"""Helpers for the orders tests; the orders app and the products server it calls over real HTTP are
session fixtures in ../conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from subgraphs.orders.context import OrdersResources
from tests.subgraphs.orders.shop import Shop
from tests.support.graphql import GraphQLClient
from tests.support.servers import ThreadServer
from tests.support.tokens import Tokens


@pytest.fixture
def own(orders_app: FastAPI) -> OrdersResources:
    """The orders app's own resources: its products client and its payment simulator's ledger."""
    resources: OrdersResources = orders_app.state.orders
    return resources


@pytest.fixture
async def clean_shop(clean_orders: None, own: OrdersResources) -> None:
    """Each test starts with no orders, no products, an empty cache and a fresh payment ledger."""
    own.payments.ledger.clear()
    own.products.breaker.record_success()


@pytest.fixture
async def gql(orders_app: FastAPI, clean_shop: None) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=orders_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://orders") as client:
        yield GraphQLClient(client)


@pytest.fixture
async def shop(products_server: ThreadServer, tokens: Tokens, clean_shop: None) -> AsyncIterator[Shop]:
    async with httpx.AsyncClient(base_url=products_server.base_url, timeout=30) as client:
        yield Shop(GraphQLClient(client), tokens)
