"""Reading the request body with a size limit, refused before it is all buffered or parsed."""

from __future__ import annotations

from starlette.requests import Request

from router.errors import BadRequest, PayloadTooLarge

_TOO_LARGE = "Request body payload too large"


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The body, or `PayloadTooLarge` as soon as the declared or received length passes `max_bytes`."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > max_bytes:
                raise PayloadTooLarge(_TOO_LARGE)
        except ValueError as error:
            raise BadRequest("The Content-Length header is not a number.") from error
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes:
            raise PayloadTooLarge(_TOO_LARGE)
        chunks.append(chunk)
    return b"".join(chunks)
