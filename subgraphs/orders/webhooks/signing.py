"""Signing deliveries as the Standard Webhooks specification says (standardwebhooks.com).

A secret is `whsec_` and a base64 key; the signature is `v1,` and the base64 HMAC-SHA256, under that
key, of `{webhook-id}.{webhook-timestamp}.{body}`. The id is the event's, the same on every retry, so a
receiver drops a repeat by it; the timestamp is the attempt's, so a receiver refuses a replayed old one.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105  (the format's prefix, no secret)
SECRET_BYTES = 32  # what a generated secret holds
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64


class InvalidSecret(ValueError):
    """The secret is not `whsec_` and the base64 of 24 to 64 bytes."""


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def check_secret(secret: str) -> str:
    """The secret, if it is one we can sign with; `InvalidSecret` otherwise."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidSecret(f"A secret starts with {SECRET_PREFIX}.")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError) as error:
        raise InvalidSecret("A secret is whsec_ followed by base64.") from error
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise InvalidSecret(f"A secret's key is {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes.")
    return secret


def signed_headers(*, secret: str, message_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt. `timestamp` is in UTC."""
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
    }
