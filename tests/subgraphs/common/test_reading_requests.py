"""A query operation's session runs without a transaction (no BEGIN and ROLLBACK round trips) and
refuses what would write or lock; a mutation's keeps its transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.common.context import AppResources
from subgraphs.common.db import RequestSession, WriteInReadingRequestError, column_rows
from tests.subgraphs.products.builders import Catalog
from tests.support.graphql import GraphQLClient

NOW = "SELECT now()"  # when the statement's transaction began: one value for a whole transaction


@pytest.fixture
async def request_session(products_resources: AppResources) -> AsyncIterator[RequestSession]:
    db = RequestSession(products_resources.sessions, products_resources.reading_sessions)
    yield db
    await db.close()


@pytest.fixture
async def one_row_table(products_engine: AsyncEngine) -> AsyncIterator[str]:
    """A table of the test's own holding one row."""
    async with products_engine.begin() as connection:
        await connection.execute(text("CREATE TABLE products.reading_test (id int)"))
        await connection.execute(text("INSERT INTO products.reading_test VALUES (1)"))
    yield "products.reading_test"
    async with products_engine.begin() as connection:
        await connection.execute(text("DROP TABLE products.reading_test"))


async def two_clocks(db: RequestSession) -> tuple[object, object]:
    async with db.use() as session:
        [(first,)] = await column_rows(session, text(NOW))
        [(second,)] = await column_rows(session, text(NOW))
    return first, second


async def test_a_reading_request_runs_each_statement_on_its_own(request_session: RequestSession) -> None:
    request_session.mark_reads_only()
    first, second = await two_clocks(request_session)
    assert first != second


async def test_a_writing_request_runs_its_statements_in_one_transaction(
    request_session: RequestSession,
) -> None:
    first, second = await two_clocks(request_session)
    assert first == second


async def test_a_reading_request_stays_without_a_transaction_after_a_rollback(
    request_session: RequestSession,
) -> None:
    request_session.mark_reads_only()
    async with request_session.use() as session:
        await column_rows(session, text("SELECT 1"))
        await session.rollback()  # gives the connection back; the next one is taken afresh
    first, second = await two_clocks(request_session)
    assert first != second


async def test_a_write_in_a_reading_request_is_refused_before_it_runs(
    request_session: RequestSession, one_row_table: str, products_engine: AsyncEngine
) -> None:
    request_session.mark_reads_only()
    with pytest.raises(WriteInReadingRequestError):
        async with request_session.use() as session:
            await column_rows(session, text(f"DELETE FROM {one_row_table}"))  # noqa: S608

    async with products_engine.connect() as connection:
        left = (await connection.execute(text(f"SELECT count(*) FROM {one_row_table}"))).scalar_one()  # noqa: S608
    assert left == 1


async def test_a_row_lock_in_a_reading_request_is_refused(
    request_session: RequestSession, one_row_table: str
) -> None:
    """In autocommit a lock ends with its statement, so asking for one is a mistake."""
    request_session.mark_reads_only()
    with pytest.raises(WriteInReadingRequestError):
        async with request_session.use() as session:
            await column_rows(session, text(f"SELECT id FROM {one_row_table} FOR UPDATE"))  # noqa: S608


async def test_marking_an_open_session_changes_nothing(request_session: RequestSession) -> None:
    async with request_session.use() as session:
        await column_rows(session, text("SELECT 1"))
    request_session.mark_reads_only()
    first, second = await two_clocks(request_session)
    assert first == second


@pytest.fixture
def statements_reading_only(products_engine: AsyncEngine) -> Iterator[list[bool]]:
    """For every statement the products subgraph runs, whether it ran on a reading connection."""
    seen: list[bool] = []

    def record(connection: Any, *_: Any) -> None:
        seen.append(bool(connection.get_execution_options().get("gocart_reads_only")))

    event.listen(products_engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(products_engine.sync_engine, "before_cursor_execute", record)


async def test_a_query_operation_reads_on_reading_connections(
    gql: GraphQLClient, statements_reading_only: list[bool]
) -> None:
    (await gql.execute("{ products(first: 1) { edges { node { id } } } }")).ok()
    assert set(statements_reading_only) == {True}


async def test_an_entity_lookup_reads_on_reading_connections(
    gql: GraphQLClient, statements_reading_only: list[bool]
) -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }"
    variables = {"r": [{"__typename": "Product", "id": "00000000-0000-0000-0000-000000000001"}]}
    (await gql.execute(query, variables)).ok()
    assert set(statements_reading_only) == {True}


async def test_a_mutation_writes_in_its_transaction(
    catalog: Catalog, statements_reading_only: list[bool]
) -> None:
    await catalog.category("Kitchen")
    assert set(statements_reading_only) == {False}
