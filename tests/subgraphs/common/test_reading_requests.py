"""A query operation's session runs without a transaction (no BEGIN and ROLLBACK round trips), and
refuses to write; a mutation's keeps its transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from subgraphs.common.context import AppResources
from subgraphs.common.db import RequestSession, WriteInReadingRequestError, column_rows
from tests.support.graphql import GraphQLClient

TWO_CLOCKS = "SELECT now()"  # the transaction's start: the same for every statement of one transaction


@pytest.fixture
async def request_session(products_resources: AppResources) -> AsyncIterator[RequestSession]:
    db = RequestSession(products_resources.sessions)
    yield db
    await db.close()


async def transaction_clocks(db: RequestSession) -> tuple[object, object]:
    async with db.use() as session:
        [(first,)] = await column_rows(session, text(TWO_CLOCKS))
        [(second,)] = await column_rows(session, text(TWO_CLOCKS))
    return first, second


async def test_a_reading_request_runs_each_statement_on_its_own(request_session: RequestSession) -> None:
    request_session.reads_only()
    first, second = await transaction_clocks(request_session)
    assert first != second


async def test_a_writing_request_runs_its_statements_in_one_transaction(
    request_session: RequestSession,
) -> None:
    first, second = await transaction_clocks(request_session)
    assert first == second


async def test_a_write_in_a_reading_request_is_refused_before_it_runs(
    request_session: RequestSession,
) -> None:
    request_session.reads_only()
    with pytest.raises(WriteInReadingRequestError):
        async with request_session.use() as session:
            await column_rows(session, text("DELETE FROM products.product WHERE false"))


async def test_reading_only_is_decided_before_the_session_opens(request_session: RequestSession) -> None:
    """Marked once its session is open (with its transaction), the request keeps the transaction."""
    async with request_session.use() as session:
        await column_rows(session, text("SELECT 1"))
    request_session.reads_only()
    first, second = await transaction_clocks(request_session)
    assert first == second


@pytest.fixture
def marked_reading(monkeypatch: pytest.MonkeyPatch) -> list[RequestSession]:
    """Every request session marked as reading only, in order."""
    marked: list[RequestSession] = []
    mark = RequestSession.reads_only

    def recording(self: RequestSession) -> None:
        marked.append(self)
        mark(self)

    monkeypatch.setattr(RequestSession, "reads_only", recording)
    return marked


async def test_a_query_operation_reads_without_a_transaction(
    gql: GraphQLClient, marked_reading: list[RequestSession]
) -> None:
    await gql.execute("{ products(first: 1) { edges { node { id } } } }")
    assert len(marked_reading) == 1


async def test_a_mutation_keeps_its_transaction(
    gql: GraphQLClient, marked_reading: list[RequestSession]
) -> None:
    await gql.execute('mutation { deleteProduct(id: "00000000-0000-0000-0000-000000000000") { id } }')
    assert marked_reading == []
