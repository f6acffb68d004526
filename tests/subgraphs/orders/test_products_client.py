"""The products client's pieces that need no server: the service credential and error mapping."""

from __future__ import annotations

import pytest

from subgraphs.common.auth import KeySet, Role, TokenVerifier
from subgraphs.common.errors import ConflictError, NotFoundError, OutOfStockError
from subgraphs.common.signing import SigningKey
from subgraphs.orders.products_client import (
    ProductsUnavailable,
    ServiceCredential,
    _data_or_raise,
    load_signing_key,
)
from tests.conftest import AUDIENCE, ISSUER
from tests.subgraphs.orders.conftest import pem_of


async def test_the_service_token_is_a_service_principal_named_orders(signing_key: SigningKey) -> None:
    credential = ServiceCredential(signing_key, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=300)
    verifier = TokenVerifier(KeySet.from_jwks(signing_key.jwks()), issuer=ISSUER, audience=AUDIENCE)

    principal = await verifier.caller_from_header(credential.header()["Authorization"])

    assert (getattr(principal, "subject", None), getattr(principal, "role", None)) == ("orders", Role.SERVICE)


def test_the_service_token_is_reused_until_close_to_expiry(signing_key: SigningKey) -> None:
    credential = ServiceCredential(signing_key, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=300)
    assert credential.header() == credential.header()


def test_without_a_key_no_credential_is_sent() -> None:
    assert ServiceCredential(None, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=300).header() == {}


def test_a_signing_key_loads_from_its_pem(signing_key: SigningKey) -> None:
    loaded = load_signing_key(pem_of(signing_key), signing_key.kid)
    assert loaded.public_jwk() == signing_key.public_jwk()


@pytest.mark.parametrize(
    ("code", "error"),
    [("OUT_OF_STOCK", OutOfStockError), ("NOT_FOUND", NotFoundError), ("CONFLICT", ConflictError)],
)
def test_a_definite_refusal_keeps_its_code(code: str, error: type[Exception]) -> None:
    body = {"errors": [{"message": "no", "extensions": {"code": code, "items": [{"productId": "p"}]}}]}
    with pytest.raises(error):
        _data_or_raise("reserveStock", body)


@pytest.mark.parametrize(
    "code", ["GRAPHQL_VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "INTERNAL_SERVER_ERROR"]
)
def test_anything_else_is_an_outage_not_the_customers_fault(code: str) -> None:
    body = {"errors": [{"message": "no", "extensions": {"code": code}}]}
    with pytest.raises(ProductsUnavailable):
        _data_or_raise("returnStock", body)
