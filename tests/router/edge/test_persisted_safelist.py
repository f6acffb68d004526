"""A manifest of persisted documents through the router over HTTP: documents by id (`documentId` or
Apollo's extension), and with `safelist_only` nothing else runs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from router.config import PersistedQueriesSettings, RouterSettings
from router.edge.persisted import sha256_hex
from tests.router.edge.persisted_support import (
    PREFLIGHT,
    code,
    hash_only,
    persisted_outcomes,
    registration,
    router_client,
)

LISTED = "query MyName { me { name } }"
UNLISTED = "query MyId { me { id } }"
ME = {"data": {"me": {"name": "Ada Lovelace"}}}
LISTED_ID = f"sha256:{sha256_hex(LISTED)}"


@pytest.fixture(params=["apollo", "guild"])
def manifest(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The same one-document manifest in each format."""
    if request.param == "apollo":
        content: object = {
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{"id": sha256_hex(LISTED), "name": "MyName", "type": "query", "body": LISTED}],
        }
    else:
        content = {sha256_hex(LISTED): LISTED}
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def with_persisted(supergraph_file: Path, subgraph_urls: dict[str, str], **section: object) -> RouterSettings:
    return RouterSettings(
        supergraph=supergraph_file,
        subgraph_urls=subgraph_urls,
        persisted_queries=PersistedQueriesSettings.model_validate(section),
    )


@pytest.fixture
async def safelisted(
    supergraph_file: Path, subgraph_urls: dict[str, str], manifest: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with router_client(
        with_persisted(supergraph_file, subgraph_urls, manifest=manifest, safelist_only=True)
    ) as client:
        yield client


@pytest.fixture
async def listed(
    supergraph_file: Path, subgraph_urls: dict[str, str], manifest: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """A manifest without `safelist_only`: ids resolve, free text and APQ still work."""
    async with router_client(with_persisted(supergraph_file, subgraph_urls, manifest=manifest)) as client:
        yield client


async def test_manifest_operation_runs_by_document_id_over_post(safelisted: httpx.AsyncClient) -> None:
    response = await safelisted.post("/graphql", json={"documentId": LISTED_ID})
    assert response.json() == ME


async def test_manifest_operation_runs_by_document_id_over_get(safelisted: httpx.AsyncClient) -> None:
    response = await safelisted.get("/graphql", params={"documentId": LISTED_ID}, headers=PREFLIGHT)
    assert response.json() == ME


async def test_manifest_operation_runs_by_apollo_hash(safelisted: httpx.AsyncClient) -> None:
    response = await safelisted.post("/graphql", json=hash_only(LISTED))
    assert response.json() == ME


async def test_manifest_operation_runs_by_its_exact_body(safelisted: httpx.AsyncClient) -> None:
    response = await safelisted.post("/graphql", json={"query": LISTED})
    assert response.json() == ME


async def test_text_not_in_the_manifest_is_refused_before_parsing(safelisted: httpx.AsyncClient) -> None:
    for text in (UNLISTED, LISTED + " ", "{ not graphql"):
        response = await safelisted.post("/graphql", json={"query": text})
        assert response.status_code == 403
        assert code(response) == "QUERY_NOT_IN_SAFELIST"


async def test_id_not_in_the_manifest_is_refused(safelisted: httpx.AsyncClient) -> None:
    for body in ({"documentId": f"sha256:{sha256_hex(UNLISTED)}"}, hash_only(UNLISTED)):
        response = await safelisted.post("/graphql", json=body)
        assert response.status_code == 404
        assert code(response) == "PERSISTED_QUERY_NOT_IN_LIST"
        assert response.headers["cache-control"] == "private, no-cache, must-revalidate"


async def test_apq_registration_is_refused_under_the_safelist(safelisted: httpx.AsyncClient) -> None:
    refused = await safelisted.post("/graphql", json=registration(UNLISTED))
    assert refused.status_code == 400
    assert code(refused) == "CANNOT_SEND_PQ_ID_AND_BODY"
    assert code(await safelisted.post("/graphql", json=hash_only(UNLISTED))) == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_safelist_metrics_count_hits_misses_and_refusals(safelisted: httpx.AsyncClient) -> None:
    await safelisted.post("/graphql", json={"documentId": LISTED_ID})
    await safelisted.post("/graphql", json={"query": LISTED})
    await safelisted.post("/graphql", json=hash_only(UNLISTED))
    await safelisted.post("/graphql", json={"query": UNLISTED})
    assert await persisted_outcomes(safelisted) == {"hit": 2, "miss": 1, "refused": 1}


async def test_without_safelist_only_free_text_still_runs(listed: httpx.AsyncClient) -> None:
    response = await listed.post("/graphql", json={"query": UNLISTED})
    assert response.json() == {"data": {"me": {"id": "1"}}}


async def test_without_safelist_only_ids_resolve_from_the_manifest_then_apq(
    listed: httpx.AsyncClient,
) -> None:
    assert (await listed.post("/graphql", json={"documentId": LISTED_ID})).json() == ME
    assert code(await listed.post("/graphql", json=hash_only(UNLISTED))) == "PERSISTED_QUERY_NOT_FOUND"
    await listed.post("/graphql", json=registration(UNLISTED))
    assert (await listed.post("/graphql", json=hash_only(UNLISTED))).json() == {"data": {"me": {"id": "1"}}}


async def test_document_id_with_text_is_refused(listed: httpx.AsyncClient) -> None:
    response = await listed.post("/graphql", json={"documentId": LISTED_ID, "query": LISTED})
    assert response.status_code == 400
    assert code(response) == "CANNOT_SEND_PQ_ID_AND_BODY"


async def test_manifest_with_apq_off_refuses_unknown_ids_as_not_in_list(
    supergraph_file: Path, subgraph_urls: dict[str, str], manifest: Path
) -> None:
    settings = with_persisted(supergraph_file, subgraph_urls, manifest=manifest, apq_enabled=False)
    async with router_client(settings) as client:
        assert (await client.post("/graphql", json=hash_only(LISTED))).json() == ME
        response = await client.post("/graphql", json=hash_only(UNLISTED))
    assert code(response) == "PERSISTED_QUERY_NOT_IN_LIST"
