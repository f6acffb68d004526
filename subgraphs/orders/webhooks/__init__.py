"""Webhooks: admins register HTTP endpoints for domain events; each matching event is queued for every
endpoint that wants it and sent, signed as Standard Webhooks prescribes, until the endpoint answers 2xx
or a day has passed (docs/events.md, "Webhooks")."""
