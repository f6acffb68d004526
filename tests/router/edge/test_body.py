"""The request body is read with a size limit, refused before it is all read."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from router.edge.body import read_body
from router.errors import BadRequest, PayloadTooLarge


def _request(chunks: list[bytes], content_length: str | None) -> Request:
    headers = [(b"content-length", content_length.encode())] if content_length is not None else []
    messages = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    received: list[int] = []

    async def receive() -> dict[str, object]:
        received.append(1)
        return messages.pop(0)

    request = Request({"type": "http", "method": "POST", "headers": headers}, receive)
    request.state.reads = received
    return request


async def test_a_body_at_the_limit_is_read_whole() -> None:
    assert await read_body(_request([b"12345", b"67890"], "10"), 10) == b"1234567890"


async def test_a_declared_length_over_the_limit_is_refused_without_reading() -> None:
    request = _request([b"x" * 11], "11")
    with pytest.raises(PayloadTooLarge):
        await read_body(request, 10)
    assert request.state.reads == []


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    request = _request([b"x" * 6, b"x" * 6, b"x" * 6], None)
    with pytest.raises(PayloadTooLarge):
        await read_body(request, 10)
    assert len(request.state.reads) == 2


async def test_a_content_length_that_is_not_a_number_is_a_bad_request() -> None:
    with pytest.raises(BadRequest):
        await read_body(_request([b"{}"], "ten"), 10)
