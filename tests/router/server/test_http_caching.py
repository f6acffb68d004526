"""HTTP caching at the edge: GET queries answer `Cache-Control` with the most restrictive policy of
what they touched and an `ETag`; a conditional GET answers 304; POSTs carry no caching header; and
the invalidation API, behind its secret, drops entities for the next request."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from router.config import EntityCacheSettings, RouterSettings
from router.server import create_app
from subgraphs.common.auth import Role
from subgraphs.common.signing import SigningKey
from tests.router.cache_control_subgraphs import Backend, cache_control_apps, cache_control_supergraph
from tests.router.servers import serving
from tests.support.services import ServiceUrls

SECRET = "test-invalidation-secret"
CATALOGUE = "{ products { id name } }"
WITH_STOCK = "{ products { id name stock } }"
WITH_NOTES = "{ products { id note } }"
PREFLIGHT = {"apollo-require-preflight": "true"}
ISSUER, AUDIENCE = "gocart-users", "gocart"


@pytest.fixture(scope="module")
def backend() -> Backend:
    return Backend()


@pytest.fixture(scope="module")
def urls(backend: Backend) -> Iterator[dict[str, str]]:
    with serving(cache_control_apps(backend)) as served:
        yield served


@pytest.fixture
def settings(
    urls: dict[str, str], tmp_path: Path, services: ServiceUrls, cache_namespace: str, backend: Backend
) -> RouterSettings:
    backend.reset()
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(cache_control_supergraph(urls), encoding="utf-8")
    return RouterSettings(
        supergraph=supergraph,
        redis_url=SecretStr(services.redis_url),
        redis_namespace=f"{cache_namespace}:{uuid.uuid4().hex[:8]}",
        entity_cache=EntityCacheSettings(enabled=True, invalidation_secret=SecretStr(SECRET)),
    )


async def started(settings: RouterSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://router") as http:
            yield http


@pytest.fixture
async def client(settings: RouterSettings) -> AsyncIterator[httpx.AsyncClient]:
    async for http in started(settings):
        yield http


def public_age(response: httpx.Response) -> int:
    """The max-age of a public answer (one served from the entity cache has less left than 60 s)."""
    visibility, _, age = response.headers["cache-control"].partition(", max-age=")
    assert visibility == "public"
    return int(age)


async def get(client: httpx.AsyncClient, query: str, **headers: str) -> httpx.Response:
    return await client.get("/graphql", params={"query": query}, headers={**PREFLIGHT, **headers})


async def test_a_catalogue_get_is_public_for_as_long_as_its_subgraph_allows(
    client: httpx.AsyncClient,
) -> None:
    response = await get(client, CATALOGUE)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=60"


async def test_a_get_takes_the_shortest_age_of_what_it_touched(
    client: httpx.AsyncClient, backend: Backend
) -> None:
    backend.details_policy = "public, max-age=5"
    response = await get(client, WITH_STOCK)
    assert response.headers["cache-control"] == "public, max-age=5"


async def test_a_get_that_touched_private_data_is_private_and_varies_by_caller(
    client: httpx.AsyncClient,
) -> None:
    response = await get(client, WITH_NOTES)
    assert response.headers["cache-control"] == "private, max-age=60"
    assert "authorization" in response.headers["vary"].lower().replace(" ", "").split(",")


async def test_a_stored_answer_varies_by_credentials(client: httpx.AsyncClient) -> None:
    response = await get(client, CATALOGUE)
    assert "authorization" in response.headers["vary"].lower().replace(" ", "").split(",")


async def test_private_data_for_a_signed_in_caller_is_not_stored(client: httpx.AsyncClient) -> None:
    response = await get(client, WITH_NOTES, authorization="Bearer someone")
    assert response.headers["cache-control"] == "no-store"


async def test_public_data_for_a_signed_in_caller_stays_public(client: httpx.AsyncClient) -> None:
    response = await get(client, CATALOGUE, authorization="Bearer someone")
    assert response.headers["cache-control"] == "public, max-age=60"


async def test_a_get_with_errors_is_not_stored(client: httpx.AsyncClient, backend: Backend) -> None:
    backend.failing = {"p2"}
    response = await get(client, WITH_STOCK)
    assert response.json()["errors"]
    assert response.headers["cache-control"] == "no-store"


async def test_a_get_that_touched_an_uncacheable_answer_is_not_stored(
    client: httpx.AsyncClient, backend: Backend
) -> None:
    backend.details_policy = "no-store"
    response = await get(client, WITH_STOCK)
    assert response.headers["cache-control"] == "no-store"


async def test_a_get_answers_an_etag_of_its_body(client: httpx.AsyncClient) -> None:
    response = await get(client, CATALOGUE)
    assert response.headers["etag"] == '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'


async def test_a_conditional_get_of_an_unchanged_answer_is_304_without_a_body(
    client: httpx.AsyncClient,
) -> None:
    first = await get(client, CATALOGUE)
    again = await get(client, CATALOGUE, **{"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert public_age(again) <= 60


async def test_a_conditional_get_of_a_changed_answer_is_200(
    client: httpx.AsyncClient, backend: Backend
) -> None:
    backend.details_policy = "no-store"
    first = await get(client, WITH_STOCK)
    backend.stock["p1"] = 1
    again = await get(client, WITH_STOCK, **{"if-none-match": first.headers["etag"]})
    assert again.status_code == 200
    assert again.json()["data"]["products"][0]["stock"] == 1


async def test_a_persisted_query_get_is_cacheable_too(client: httpx.AsyncClient) -> None:
    digest = hashlib.sha256(CATALOGUE.encode()).hexdigest()
    extensions = orjson.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}}).decode()
    await client.get("/graphql", params={"query": CATALOGUE, "extensions": extensions}, headers=PREFLIGHT)
    response = await client.get("/graphql", params={"extensions": extensions}, headers=PREFLIGHT)
    assert response.json()["data"]["products"][0]["id"] == "p1"
    assert public_age(response) <= 60


async def test_a_post_carries_no_caching_header(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": CATALOGUE})
    assert response.status_code == 200
    assert "cache-control" not in response.headers
    assert "etag" not in response.headers


def invalidate(key: dict[str, str] | None = None) -> dict[str, object]:
    if key is None:
        return {"kind": "type", "subgraph": "details", "type": "Product"}
    return {"kind": "entity", "subgraph": "details", "type": "Product", "key": key}


async def test_an_invalidated_entity_is_fresh_on_the_next_request(
    client: httpx.AsyncClient, backend: Backend
) -> None:
    await get(client, WITH_STOCK)
    backend.stock["p1"] = 7
    answer = await client.post(
        "/invalidation", json=invalidate({"id": "p1"}), headers={"authorization": f"Bearer {SECRET}"}
    )
    assert answer.status_code == 200
    assert answer.json()["count"] > 0
    response = await get(client, WITH_STOCK)
    assert [item["stock"] for item in response.json()["data"]["products"]] == [7, 20]


async def test_invalidation_takes_a_list_of_requests(client: httpx.AsyncClient) -> None:
    await get(client, WITH_STOCK)
    body = [invalidate({"id": "p1"}), invalidate()]
    answer = await client.post("/invalidation", json=body, headers={"authorization": f"Bearer {SECRET}"})
    assert answer.status_code == 200
    assert answer.json()["count"] >= 2


async def test_invalidation_without_the_secret_is_refused(client: httpx.AsyncClient) -> None:
    answer = await client.post("/invalidation", json=invalidate(), headers={"authorization": "Bearer guess"})
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_malformed_invalidation_is_a_bad_request(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/invalidation",
        json={"kind": "entity", "subgraph": "details", "type": "Product"},
        headers={"authorization": f"Bearer {SECRET}"},
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_invalidation_is_off_without_a_secret(settings: RouterSettings) -> None:
    without = settings.model_copy(update={"entity_cache": EntityCacheSettings(enabled=True)})
    async for client in started(without):
        answer = await client.post("/invalidation", json=invalidate())
        assert answer.status_code == 404


async def test_invalidation_with_redis_down_is_unavailable(
    settings: RouterSettings, closed_redis_url: str
) -> None:
    down = settings.model_copy(update={"redis_url": SecretStr(closed_redis_url)})
    async for client in started(down):
        answer = await client.post(
            "/invalidation", json=invalidate(), headers={"authorization": f"Bearer {SECRET}"}
        )
        assert answer.status_code == 503
        assert answer.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        served = await get(client, CATALOGUE)  # and queries are answered, uncached
        assert served.json()["data"]["products"][0]["id"] == "p1"


async def test_through_the_router_a_customer_never_sees_another_customers_cached_data(
    settings: RouterSettings, issuer_url: str, signing_key: SigningKey
) -> None:
    gated = settings.model_copy(update={"jwt_jwks_url": f"{issuer_url}/jwks.json"})

    def bearer(subject: str) -> str:
        token = signing_key.mint(subject=subject, role=Role.CUSTOMER, issuer=ISSUER, audience=AUDIENCE)
        return f"Bearer {token}"

    alice, bob = bearer("alice"), bearer("bob")
    async for client in started(gated):
        first = await client.post("/graphql", json={"query": WITH_NOTES}, headers={"authorization": alice})
        assert first.json()["data"]["products"][0]["note"] == f"note of p1 for {alice}"
        second = await client.post("/graphql", json={"query": WITH_NOTES}, headers={"authorization": bob})
        assert second.json()["data"]["products"][0]["note"] == f"note of p1 for {bob}"
