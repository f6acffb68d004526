"""What verifiers decide when revocations cannot be read (Redis down, or back empty and not rebuilt):
admins are refused with UNAVAILABLE, customers and services accepted, revoked tokens always refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from prometheus_client import CollectorRegistry, Counter
from redis.asyncio import Redis

from subgraphs.common.auth import KeySet, RejectedCredential, Role, TokenVerifier, require_role
from subgraphs.common.errors import UnauthenticatedError, UnavailableError
from subgraphs.common.redis import create_redis
from subgraphs.common.revocations import RevocationList
from subgraphs.common.settings import SubgraphSettings
from subgraphs.common.signing import SigningKey
from testbed.ports import unused_port
from tests.support.tokens import AUDIENCE, ISSUER


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


# Service tokens are signed with a service's own key, trusted for that role only.
SERVICE_KEY = SigningKey.generate()


def token(key: SigningKey, role: Role, *, session_id: str | None = None) -> str:
    return key.mint(
        subject="someone",
        role=role,
        issuer=ISSUER,
        audience=AUDIENCE,
        extra_claims={"sid": session_id} if session_id else None,
    )


def session_token(key: SigningKey, role: Role) -> str:
    return token(key, role, session_id=uuid.uuid4().hex)


@pytest.fixture
def unknown_revocations() -> Counter:
    return Counter("unknown", "unknown", ["role", "decision"], registry=CollectorRegistry())


@pytest.fixture
async def redis_down() -> AsyncIterator[Redis]:
    client = create_redis(f"redis://127.0.0.1:{unused_port()}/0")
    yield client
    await client.aclose()


def verifier_on(
    redis: Redis,
    key: SigningKey,
    namespace: str,
    *,
    fail_closed_roles: frozenset[Role] = frozenset({Role.ADMIN}),
    counter: Counter | None = None,
) -> TokenVerifier:
    return TokenVerifier(
        KeySet.from_jwks(key.jwks()),
        issuer=ISSUER,
        audience=AUDIENCE,
        service_keys=KeySet.from_jwks(SERVICE_KEY.jwks()),
        revocations=RevocationList(redis, namespace=namespace),
        fail_closed_roles=fail_closed_roles,
        unknown_revocations=counter,
    )


@pytest.fixture
def namespace(cache_namespace: str) -> str:
    """A revoked-session set of the test's own, not rebuilt yet."""
    return f"{cache_namespace}:policy-{uuid.uuid4().hex[:8]}"


async def test_an_admin_is_refused_with_unavailable_while_redis_is_down(
    redis_down: Redis, key: SigningKey
) -> None:
    caller = await verifier_on(redis_down, key, "t").caller_from_header(
        f"Bearer {session_token(key, Role.ADMIN)}"
    )

    with pytest.raises(UnavailableError) as raised:
        require_role(caller, Role.ADMIN)

    assert isinstance(caller, RejectedCredential)
    assert caller.unavailable
    assert raised.value.extensions["retryAfterSeconds"] > 0


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.SERVICE])
async def test_customers_and_services_are_accepted_while_redis_is_down(
    redis_down: Redis, key: SigningKey, role: Role
) -> None:
    signer = SERVICE_KEY if role is Role.SERVICE else key
    principal = await verifier_on(redis_down, key, "t").verify(session_token(signer, role))
    assert principal.role is role


async def test_an_admin_token_without_a_session_is_refused_too_while_redis_is_down(
    redis_down: Redis, key: SigningKey
) -> None:
    with pytest.raises(UnavailableError):
        await verifier_on(redis_down, key, "t").verify(token(key, Role.ADMIN))


async def test_an_admin_session_is_refused_until_the_set_is_rebuilt(
    redis: Redis, key: SigningKey, namespace: str
) -> None:
    verifier = verifier_on(redis, key, namespace)
    admin = session_token(key, Role.ADMIN)
    with pytest.raises(UnavailableError):
        await verifier.verify(admin)

    revocations = RevocationList(redis, namespace=namespace)
    await revocations.finish_rebuild(await revocations.begin_rebuild(), sessions={})

    assert (await verifier.verify(admin)).role is Role.ADMIN


async def test_an_admin_token_without_a_session_needs_no_rebuilt_set(
    redis: Redis, key: SigningKey, namespace: str
) -> None:
    principal = await verifier_on(redis, key, namespace).verify(token(key, Role.ADMIN))
    assert principal.role is Role.ADMIN


async def test_a_revoked_session_is_unauthenticated_before_the_set_is_rebuilt(
    redis: Redis, key: SigningKey, namespace: str
) -> None:
    session_id = uuid.uuid4().hex
    await RevocationList(redis, namespace=namespace).revoke_session(session_id, ttl_seconds=60)

    with pytest.raises(UnauthenticatedError):
        await verifier_on(redis, key, namespace).verify(token(key, Role.CUSTOMER, session_id=session_id))


async def test_the_roles_refused_while_redis_is_down_are_configurable(
    redis_down: Redis, key: SigningKey
) -> None:
    verifier = verifier_on(redis_down, key, "t", fail_closed_roles=frozenset({Role.ADMIN, Role.CUSTOMER}))
    with pytest.raises(UnavailableError):
        await verifier.verify(session_token(key, Role.CUSTOMER))


async def test_checks_while_redis_is_down_are_counted_by_role_and_decision(
    redis_down: Redis, key: SigningKey, unknown_revocations: Counter
) -> None:
    verifier = verifier_on(redis_down, key, "t", counter=unknown_revocations)
    for role in (Role.ADMIN, Role.CUSTOMER, Role.CUSTOMER):
        await verifier.caller_from_header(f"Bearer {session_token(key, role)}")

    counts = {
        (sample.labels["role"], sample.labels["decision"]): sample.value
        for metric in unknown_revocations.collect()
        for sample in metric.samples
        if sample.name.endswith("_total")
    }
    assert counts == {("admin", "refused"): 1, ("customer", "accepted"): 2}


def test_only_admins_are_refused_by_default_and_settings_can_add_roles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert SubgraphSettings().revocation_fail_closed_roles == (Role.ADMIN,)
    monkeypatch.setenv("GOCART_SUBGRAPH_REVOCATION_FAIL_CLOSED_ROLES", '["admin", "customer"]')
    assert SubgraphSettings().revocation_fail_closed_roles == (Role.ADMIN, Role.CUSTOMER)
