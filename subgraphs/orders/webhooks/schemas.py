"""What the webhook use cases accept, checked once: an endpoint to register, and what to change of one.

Built from the client's Strawberry inputs by `parse_input`; a rule broken is BAD_USER_INPUT naming the
field, with the messages clients already know.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from subgraphs.common.errors import BadUserInputError
from subgraphs.orders.webhooks import catalogue
from subgraphs.orders.webhooks.signing import InvalidSecret, check_secret, generate_secret

MAX_URL_LENGTH = 2000
MAX_EVENT_TYPES = 50


def check_url(url: str) -> str:
    """An absolute http or https URL with a host; BAD_USER_INPUT otherwise."""
    candidate = url.strip()
    try:
        parts = urlsplit(candidate)
        acceptable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # such as a malformed port or IPv6 address
        acceptable = False
    if not acceptable or len(candidate) > MAX_URL_LENGTH:
        raise BadUserInputError(
            f"url must be an http or https URL with a host, at most {MAX_URL_LENGTH} characters.", field="url"
        )
    return candidate


def check_event_types(event_types: list[str]) -> list[str]:
    """Known event types or patterns that match one (`order.*`, `#`), without repeats, in the order
    given; BAD_USER_INPUT naming those that are neither."""
    wanted = list(dict.fromkeys(event_type.strip() for event_type in event_types))
    if not wanted or len(wanted) > MAX_EVENT_TYPES:
        raise BadUserInputError(f"eventTypes needs 1 to {MAX_EVENT_TYPES} entries.", field="eventTypes")
    unknown = [event_type for event_type in wanted if not catalogue.known_or_matching(event_type)]
    if unknown:
        raise BadUserInputError(
            "eventTypes names no known event type.",
            field="eventTypes",
            unknown=unknown,
            known=list(catalogue.EVENT_TYPES),
        )
    return wanted


class EndpointCreate(BaseModel):
    """`createWebhookEndpoint`: where to, which events, and the signing secret (generated when not
    given). Checked in this order: url, eventTypes, secret."""

    model_config = ConfigDict(frozen=True)

    url: str
    event_types: list[str]
    secret: str

    @field_validator("url", mode="after")
    @classmethod
    def _url(cls, url: str) -> str:
        return check_url(url)

    @field_validator("event_types", mode="after")
    @classmethod
    def _event_types(cls, event_types: list[str]) -> list[str]:
        return check_event_types(event_types)

    @field_validator("secret", mode="before")
    @classmethod
    def _secret(cls, secret: str | None) -> str:
        if secret is None:
            return generate_secret()
        try:
            return check_secret(secret.strip())
        except InvalidSecret as error:
            raise BadUserInputError(str(error), field="secret") from error


class EndpointUpdate(BaseModel):
    """`updateWebhookEndpoint`: None (or not given) leaves a field as it is; one at least is needed."""

    model_config = ConfigDict(frozen=True)

    url: str | None = None
    event_types: list[str] | None = None
    active: bool | None = None

    @field_validator("url", mode="after")
    @classmethod
    def _url(cls, url: str | None) -> str | None:
        return check_url(url) if url is not None else None

    @field_validator("event_types", mode="after")
    @classmethod
    def _event_types(cls, event_types: list[str] | None) -> list[str] | None:
        return check_event_types(event_types) if event_types is not None else None

    @model_validator(mode="after")
    def _something(self) -> EndpointUpdate:
        if not self.changes():
            raise BadUserInputError("Give at least one of url, eventTypes and active.", field="input")
        return self

    def changes(self) -> dict[str, Any]:
        """The endpoint's columns to set."""
        return {name: value for name, value in self.model_dump().items() if value is not None}
