"""The products client's pieces that need no server: the service credential and error mapping."""

from __future__ import annotations

import pytest

from subgraphs.common.auth import KeySet, Role, TokenVerifier
from subgraphs.common.errors import ConflictError, NotFoundError, OutOfStockError
from subgraphs.common.signing import SigningKey
from subgraphs.orders.products_answers import ProductsUnavailable, data_or_raise
from subgraphs.orders.service_credential import ServiceCredential, signing_key_from
from tests.support.tokens import AUDIENCE, ISSUER


async def test_the_service_token_is_a_service_principal_named_orders(
    signing_key: SigningKey, service_key: SigningKey
) -> None:
    credential = ServiceCredential(service_key, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=300)
    verifier = TokenVerifier(
        KeySet.from_jwks(signing_key.jwks()),
        service_keys=KeySet.from_jwks(service_key.jwks()),
        issuer=ISSUER,
        audience=AUDIENCE,
    )

    principal = await verifier.caller_from_header(credential.header()["Authorization"])

    assert (getattr(principal, "subject", None), getattr(principal, "role", None)) == ("orders", Role.SERVICE)


def test_the_service_token_is_reused_until_close_to_expiry(signing_key: SigningKey) -> None:
    credential = ServiceCredential(signing_key, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=300)
    assert credential.header() == credential.header()


def test_without_a_key_no_credential_is_sent() -> None:
    assert ServiceCredential(None, issuer=ISSUER, audience=AUDIENCE, ttl_seconds=300).header() == {}


def test_the_signing_key_comes_from_the_pem_in_settings(signing_key: SigningKey) -> None:
    loaded = signing_key_from(signing_key.private_pem(), None, None)
    assert loaded is not None
    assert loaded.public_jwk() == signing_key.public_jwk()


def test_without_a_key_in_settings_there_is_no_signing_key() -> None:
    assert signing_key_from(None, None, "kid") is None


@pytest.mark.parametrize(
    ("code", "error"),
    [("OUT_OF_STOCK", OutOfStockError), ("NOT_FOUND", NotFoundError), ("CONFLICT", ConflictError)],
)
def test_a_definite_refusal_keeps_its_code(code: str, error: type[Exception]) -> None:
    body = {"errors": [{"message": "no", "extensions": {"code": code, "items": [{"productId": "p"}]}}]}
    with pytest.raises(error):
        data_or_raise("reserveStock", body)


@pytest.mark.parametrize(
    "code", ["GRAPHQL_VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "INTERNAL_SERVER_ERROR"]
)
def test_anything_else_is_an_outage_not_the_customers_fault(code: str) -> None:
    body = {"errors": [{"message": "no", "extensions": {"code": code}}]}
    with pytest.raises(ProductsUnavailable):
        data_or_raise("returnStock", body)
