"""`POST /invalidation`: drop entities from the entity cache, for an admin tool or a domain event's
consumer that knows what changed. Authenticated by the shared secret `entity_cache.invalidation_secret`
(`Authorization: Bearer <secret>`); off (404) without one.

The body is one request or a list of them, as in Apollo Router's invalidation API
(router/entity_cache/requests.py), and the answer `{"count": <keys dropped>}`. Redis down answers 503
UNAVAILABLE: the caller must know that nothing was dropped (and try again).
"""

from __future__ import annotations

import hmac
import logging

import orjson
from pydantic import ValidationError
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import Response

from router.edge.body import read_body
from router.entity_cache.requests import INVALIDATIONS, entity_key
from router.errors import RequestError
from router.server.pipeline import Edge

logger = logging.getLogger(__name__)


def _error(message: str, code: str, status: int) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def _authorized(request: Request, secret: str) -> bool:
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(credential.strip().encode(), secret.encode())


async def invalidation(request: Request) -> Response:
    edge: Edge = request.app.state.edge
    secret = edge.settings.entity_cache.invalidation_secret
    cache = edge.entity_cache
    if secret is None or cache is None:
        return _error("The invalidation API is off.", "NOT_FOUND", 404)
    if not _authorized(request, secret.get_secret_value()):
        return _error("The invalidation secret is missing or wrong.", "UNAUTHENTICATED", 401)
    try:
        body = await read_body(request, edge.settings.limits.max_request_bytes)
        parsed = INVALIDATIONS.validate_json(body)
    except RequestError as error:
        return _error(str(error), error.code, error.status_code)
    except ValidationError as error:
        return _error(f"Not an invalidation request: {error.errors()[0]['msg']}", "BAD_REQUEST", 400)
    requests = parsed if isinstance(parsed, list) else [parsed]
    count = 0
    try:
        for item in requests:
            count += await cache.invalidate(item.subgraph, item.type, entity_key(item))
    except (RedisError, OSError) as error:
        logger.warning("entity cache invalidation failed: Redis is unreachable: %s", error)
        return _error("The entity cache cannot be reached; nothing was dropped.", "UNAVAILABLE", 503)
    # Debug: the subgraphs call it on every catalogue write and stock change.
    logger.debug("entity cache invalidated: %d requests, %d keys dropped", len(requests), count)
    return Response(orjson.dumps({"count": count}), media_type="application/json")
