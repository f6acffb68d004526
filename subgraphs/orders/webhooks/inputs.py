"""GraphQL inputs of the webhook operations."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A webhook endpoint to register.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="Where deliveries are POSTed: an http or https URL.")
    event_types: list[str] = strawberry.field(
        description="Event types (`order.paid`) or topic patterns (`order.*`, `#` for all) it wants."
    )
    secret: str | None = strawberry.field(
        default=None,
        description="`whsec_` and the base64 of a 24 to 64 byte key; generated when not given.",
    )


@strawberry.input(description="What to change of a webhook endpoint; fields not given stay as they are.")
class UpdateWebhookEndpointInput:
    url: str | None = None
    event_types: list[str] | None = None
    active: bool | None = strawberry.field(
        default=None, description="False stops new deliveries to it (those queued wait until it is active)."
    )
