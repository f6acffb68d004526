"""Automatic persisted queries (Apollo's protocol) through the router over HTTP, stored in a real Redis."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from router.config import PersistedQueriesSettings, RouterSettings
from router.edge.persisted import sha256_hex
from tests.router.edge.persisted_support import (
    PREFLIGHT,
    code,
    hash_only,
    persisted_outcomes,
    persisted_query,
    registration,
    router_client,
)
from tests.router.servers import free_port
from tests.support.services import ServiceUrls

QUERY = "query MyName { me { name } }"
ME = {"data": {"me": {"name": "Ada Lovelace"}}}


@pytest.fixture
def settings(
    supergraph_file: Path, subgraph_urls: dict[str, str], services: ServiceUrls, cache_namespace: str
) -> RouterSettings:
    """A router on the test Redis, under a namespace of its own (so every test starts with no hashes)."""
    return RouterSettings(
        supergraph=supergraph_file,
        subgraph_urls=subgraph_urls,
        redis_url=services.redis_url,
        redis_namespace=f"{cache_namespace}:router-{uuid.uuid4().hex[:8]}",
    )


@pytest.fixture
async def client(settings: RouterSettings, redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    # `redis` (unused here) removes every key under the test namespace at the end of the session.
    async with router_client(settings) as client:
        yield client


async def test_registered_query_runs_by_hash_over_post(client: httpx.AsyncClient) -> None:
    registered = await client.post("/graphql", json=registration(QUERY))
    assert registered.json() == ME
    by_hash = await client.post("/graphql", json=hash_only(QUERY))
    assert by_hash.status_code == 200
    assert by_hash.json() == ME


async def test_registered_query_runs_by_hash_over_get(client: httpx.AsyncClient) -> None:
    extensions = json.dumps(persisted_query(sha256_hex(QUERY)))
    registered = await client.get(
        "/graphql", params={"query": QUERY, "extensions": extensions}, headers=PREFLIGHT
    )
    assert registered.json() == ME
    by_hash = await client.get("/graphql", params={"extensions": extensions}, headers=PREFLIGHT)
    assert by_hash.status_code == 200
    assert by_hash.json() == ME


async def test_unknown_hash_is_not_found_with_200_and_no_caching(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=hash_only(QUERY))
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }
    assert response.headers["cache-control"] == "private, no-cache, must-revalidate"


async def test_query_that_does_not_match_its_hash_is_refused_and_not_stored(
    client: httpx.AsyncClient,
) -> None:
    body = {"query": "{ me { id } }", "extensions": persisted_query(sha256_hex(QUERY))}
    refused = await client.post("/graphql", json=body)
    assert refused.status_code == 400
    assert code(refused) == "PERSISTED_QUERY_HASH_MISMATCH"
    assert code(await client.post("/graphql", json=hash_only(QUERY))) == "PERSISTED_QUERY_NOT_FOUND"


async def test_invalid_document_is_not_registered(client: httpx.AsyncClient) -> None:
    invalid = "{ me { nope } }"
    refused = await client.post("/graphql", json=registration(invalid))
    assert code(refused) == "GRAPHQL_VALIDATION_FAILED"
    assert code(await client.post("/graphql", json=hash_only(invalid))) == "PERSISTED_QUERY_NOT_FOUND"


async def test_registration_is_kept_in_redis_with_the_ttl(
    client: httpx.AsyncClient, settings: RouterSettings, redis: Redis
) -> None:
    await client.post("/graphql", json=registration(QUERY))
    key = f"{settings.redis_namespace}:apq:{sha256_hex(QUERY)}"
    assert await redis.get(key) == QUERY.encode()
    assert 0 < await redis.ttl(key) <= settings.persisted_queries.apq_ttl_seconds


async def test_second_router_on_the_same_redis_finds_the_first_ones_registration(
    client: httpx.AsyncClient, settings: RouterSettings
) -> None:
    await client.post("/graphql", json=registration(QUERY))
    async with router_client(settings) as other_replica:
        response = await other_replica.post("/graphql", json=hash_only(QUERY))
    assert response.json() == ME


async def test_unreachable_redis_falls_back_to_memory_and_warns_once(
    settings: RouterSettings, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = settings.model_copy(update={"redis_url": SecretStr(f"redis://127.0.0.1:{free_port()}/0")})
    caplog.set_level(logging.WARNING, logger="router.edge.persisted.store")
    async with router_client(unreachable) as client:
        registered = await client.post("/graphql", json=registration(QUERY))
        answers = [await client.post("/graphql", json=hash_only(QUERY)) for _ in range(3)]
    assert registered.json() == ME
    assert [answer.json() for answer in answers] == [ME, ME, ME]
    warnings = [record for record in caplog.records if record.name == "router.edge.persisted.store"]
    assert len([record for record in warnings if "Redis is unreachable" in record.message]) == 1


async def test_without_redis_registrations_stay_in_process(settings: RouterSettings) -> None:
    in_process = settings.model_copy(update={"redis_url": None})
    async with router_client(in_process) as client:
        await client.post("/graphql", json=registration(QUERY))
        assert (await client.post("/graphql", json=hash_only(QUERY))).json() == ME
    async with router_client(in_process) as restarted:
        assert code(await restarted.post("/graphql", json=hash_only(QUERY))) == "PERSISTED_QUERY_NOT_FOUND"


async def test_apq_switched_off_answers_not_supported(settings: RouterSettings) -> None:
    switched_off = settings.model_copy(
        update={"persisted_queries": PersistedQueriesSettings(apq_enabled=False)}
    )
    async with router_client(switched_off) as client:
        response = await client.post("/graphql", json=registration(QUERY))
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
    assert code(response) == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_unsupported_protocol_version_is_a_bad_request(client: httpx.AsyncClient) -> None:
    body = {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": sha256_hex(QUERY)}}}
    response = await client.post("/graphql", json=body)
    assert response.status_code == 400
    assert code(response) == "BAD_REQUEST"


async def test_mutation_by_hash_over_get_is_not_allowed(client: httpx.AsyncClient) -> None:
    mutation = 'mutation { login(username: "ada") { name } }'
    await client.post("/graphql", json=registration(mutation))
    extensions = json.dumps(persisted_query(sha256_hex(mutation)))
    response = await client.get("/graphql", params={"extensions": extensions}, headers=PREFLIGHT)
    assert response.status_code == 405


async def test_batch_answers_each_hash_on_its_own(client: httpx.AsyncClient) -> None:
    await client.post("/graphql", json=registration(QUERY))
    response = await client.post("/graphql", json=[hash_only(QUERY), hash_only("{ me { id } }")])
    first, second = response.json()
    assert first == ME
    assert second["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_metrics_count_each_outcome(client: httpx.AsyncClient) -> None:
    await client.post("/graphql", json=hash_only(QUERY))
    await client.post("/graphql", json=registration(QUERY))
    await client.post("/graphql", json=hash_only(QUERY))
    await client.post("/graphql", json=hash_only(QUERY))
    await client.post("/graphql", json={"query": QUERY, "extensions": persisted_query("0" * 64)})
    assert await persisted_outcomes(client) == {"miss": 1, "registered": 1, "hit": 2, "refused": 1}


async def test_not_found_counts_as_a_rejected_request(client: httpx.AsyncClient) -> None:
    await client.post("/graphql", json=hash_only(QUERY))
    metrics = (await client.get("/metrics")).text
    assert 'gocart_router_requests_total{operation="unknown",outcome="rejected"} 1.0' in metrics
    assert 'gocart_router_rejections_total{code="PERSISTED_QUERY_NOT_FOUND"} 1.0' in metrics
