"""Deliveries are signed as Standard Webhooks prescribes: the reference library verifies them, and so
does the plain-HMAC recipe of docs/events.md."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from subgraphs.orders.webhooks.signing import InvalidSecret, check_secret, generate_secret, signed_headers

BODY = '{"id":"5d0b7c39-5f0e-4a43-9c1e-2b1f7a8e4c11","type":"order.paid"}'
MESSAGE_ID = "5d0b7c39-5f0e-4a43-9c1e-2b1f7a8e4c11"


def test_the_reference_library_verifies_a_signed_delivery() -> None:
    secret = generate_secret()
    headers = signed_headers(secret=secret, message_id=MESSAGE_ID, timestamp=datetime.now(UTC), body=BODY)

    assert Webhook(secret).verify(BODY, headers)["type"] == "order.paid"


def test_the_plain_hmac_recipe_verifies_a_signed_delivery() -> None:
    secret = generate_secret()
    headers = signed_headers(secret=secret, message_id=MESSAGE_ID, timestamp=datetime.now(UTC), body=BODY)

    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{BODY}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"


def test_a_changed_body_fails_verification() -> None:
    secret = generate_secret()
    headers = signed_headers(secret=secret, message_id=MESSAGE_ID, timestamp=datetime.now(UTC), body=BODY)

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("paid", "cancelled"), headers)


def test_an_old_timestamp_fails_verification() -> None:
    secret = generate_secret()
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    headers = signed_headers(secret=secret, message_id=MESSAGE_ID, timestamp=an_hour_ago, body=BODY)

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers)


def test_a_generated_secret_is_whsec_and_32_bytes_of_base64() -> None:
    secret = generate_secret()

    assert check_secret(secret) == secret
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32


@pytest.mark.parametrize(
    "secret",
    ["s3cret", "whsec_not base64!", "whsec_" + base64.b64encode(b"short").decode()],
    ids=["no prefix", "not base64", "too short"],
)
def test_a_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(InvalidSecret):
        check_secret(secret)
