"""The router's HTTP/1.1 client for subgraph fetches: keep-alive connections on asyncio protocols,
answers parsed by httptools (llhttp, the parser uvicorn serves with).

Why our own rather than aiohttp's client: a subgraph fetch needs very little of a general client (a
POST of a JSON body to a known origin, the answer read whole; no cookies, redirects, proxies or
compression), and aiohttp's spent about 75 µs of CPU on each (request and response objects, payload
registry, a timer and tasks per request), a third of the router's CPU on a three-fetch request. Here a
fetch is one write and one parse, about 10 µs on the same machine; docs/router.md has the figures.

Each `UpstreamClient` is one subgraph's: at most `limit` connections to each origin (the pool and the
concurrency cap in one, as aiohttp's connector `limit`), idle ones kept `idle_seconds`, and one
`timeout_seconds` covering the wait for a connection, connecting and the whole answer. With a tracer
provider, each fetch is an OpenTelemetry client span and carries its `traceparent`.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

import httptools

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer, TracerProvider

_UNSENDABLE = re.compile(r"[\r\n\x00]")
"""Characters that would end a header line early (header injection): never sent."""


UPSTREAM_IDLE_SECONDS = 4.0
"""How long an idle pooled connection to a subgraph is kept: below uvicorn's 5 s keep-alive, so the
router never reuses a connection the subgraph is closing."""


class UpstreamError(Exception):
    """The exchange with the subgraph failed below HTTP; the message says how (no host names)."""


class UpstreamConnectError(UpstreamError):
    """No connection could be made."""


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    """A whole answer: its status, body, and headers by lower-case name (the last of a repeated one)."""

    status: int
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Target:
    """What a URL comes to on the wire, worked out once per URL."""

    url: str
    origin: tuple[str, str, int]
    host_header: str
    path: str


@lru_cache(maxsize=256)
def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:  # a port that is not a number, or out of range
        raise UpstreamConnectError("the subgraph URL is not a valid URL") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UpstreamConnectError("the subgraph URL is not an http(s) URL")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(url, (parts.scheme, parts.hostname, port), parts.netloc.rpartition("@")[2], path)


class _Connection(asyncio.Protocol):
    """One keep-alive connection: one exchange at a time, the answer parsed as it arrives."""

    def __init__(self) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._answer: asyncio.Future[UpstreamResponse] | None = None
        self._body: list[bytes] = []
        self._headers: dict[str, str] = {}
        self._headers_complete = False
        self.reusable = True
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # create_connection's: a stream transport

    def exchange(self, request: bytes) -> asyncio.Future[UpstreamResponse]:
        if self._transport is None or self._transport.is_closing():
            raise UpstreamError("the connection to the subgraph is closed")
        self._answer = asyncio.get_running_loop().create_future()
        self._transport.write(request)
        return self._answer

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            self._fail(UpstreamError("the subgraph's answer is not valid HTTP"))
            self.close()

    def on_headers_complete(self) -> None:
        self._headers_complete = True

    def _ends_with_connection(self) -> bool:
        """An answer with neither a length nor chunks: its body is all that came before the close."""
        return self._headers_complete and not {"content-length", "transfer-encoding"} & self._headers.keys()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        status = self._parser.get_status_code()
        if 100 <= status < 200 and status != 101:  # interim (103 Early Hints): the final one follows
            self._body, self._headers, self._headers_complete = [], {}, False
            return
        answer = UpstreamResponse(status, b"".join(self._body), self._headers)
        self._body, self._headers, self._headers_complete = [], {}, False
        if not self._parser.should_keep_alive():
            self.close()
        waiting, self._answer = self._answer, None
        if waiting is None or waiting.done():  # an answer nobody asked for: the stream is out of step
            self.close()
            return
        waiting.set_result(answer)

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: ARG002  (any end is the same)
        self.reusable = False
        if self._answer is not None and self._ends_with_connection():
            self.on_message_complete()
        self._fail(UpstreamError("the subgraph closed the connection before a whole answer"))

    def _fail(self, error: UpstreamError) -> None:
        waiting, self._answer = self._answer, None
        if waiting is not None and not waiting.done():
            waiting.set_exception(error)

    def close(self) -> None:
        self.reusable = False
        if self._transport is not None:
            self._transport.close()


class _Pool:
    """Connections to one origin: idle ones reused newest first, at most `limit` open, callers beyond
    it waiting for one to come back."""

    def __init__(self, origin: tuple[str, str, int], limit: int, idle_seconds: float) -> None:
        self._origin = origin
        self._limit = limit
        self._idle_seconds = idle_seconds
        self._idle: deque[_Connection] = deque()
        self._open = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._closed = False

    async def acquire(self) -> _Connection:
        while True:
            now = time.monotonic()
            while self._idle:
                connection = self._idle.pop()
                if connection.reusable and now - connection.idle_since < self._idle_seconds:
                    return connection
                self._discard(connection)
            if self._open < self._limit:
                return await self._connect()
            turn = asyncio.get_running_loop().create_future()
            self._waiting.append(turn)
            try:
                await turn
            except BaseException:
                if turn in self._waiting:
                    self._waiting.remove(turn)
                elif not turn.cancelled():
                    self._pass_turn()  # handed a turn this caller can no longer take: the next one's
                raise

    async def _connect(self) -> _Connection:
        scheme, host, port = self._origin
        self._open += 1
        try:
            _, connection = await asyncio.get_running_loop().create_connection(
                _Connection, host, port, ssl=scheme == "https" or None
            )
        except OSError as error:
            self._open -= 1
            self._pass_turn()
            reason = error.strerror or type(error).__name__
            raise UpstreamConnectError(f"cannot connect ({reason})") from error
        except BaseException:
            self._open -= 1
            self._pass_turn()
            raise
        return connection

    def release(self, connection: _Connection) -> None:
        if connection.reusable and not self._closed:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            self._discard(connection)
        self._pass_turn()

    def _discard(self, connection: _Connection) -> None:
        connection.close()
        self._open -= 1

    def _pass_turn(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return

    def close(self) -> None:
        self._closed = True
        while self._idle:
            self._discard(self._idle.pop())


class UpstreamClient:
    """POSTs to a subgraph over pooled keep-alive connections (one pool per origin)."""

    def __init__(
        self,
        *,
        limit: int = 100,
        timeout_seconds: float = 30.0,
        idle_seconds: float = UPSTREAM_IDLE_SECONDS,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self._limit = limit
        self._timeout_seconds = timeout_seconds
        self._idle_seconds = idle_seconds
        self._pools: dict[tuple[str, str, int], _Pool] = {}
        self._tracer: Tracer | None = None
        if tracer_provider is not None:
            self._tracer = tracer_provider.get_tracer(__name__)

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> UpstreamResponse:
        """The whole answer; `TimeoutError` past the timeout, `UpstreamError` when the exchange fails."""
        target = _target(url)
        if self._tracer is None:
            return await self._post(target, body, headers)
        return await self._traced_post(self._tracer, target, body, headers)

    async def _post(self, target: _Target, body: bytes, headers: Mapping[str, str]) -> UpstreamResponse:
        lines = [f"{name}: {value}" for name, value in headers.items()]
        if _UNSENDABLE.search("".join(lines)) is not None:
            raise UpstreamError("a header to forward holds a line break")
        head = "".join([f"{line}\r\n" for line in lines])
        text = (
            f"POST {target.path} HTTP/1.1\r\nhost: {target.host_header}\r\n{head}"
            f"content-length: {len(body)}\r\n\r\n"
        )
        try:
            request = text.encode("latin-1") + body
        except UnicodeEncodeError as error:  # HTTP headers are Latin-1 (what uvicorn decodes them as)
            raise UpstreamError("a header to forward is not Latin-1 text") from error
        pool = self._pools.get(target.origin)
        if pool is None:
            pool = self._pools[target.origin] = _Pool(target.origin, self._limit, self._idle_seconds)
        async with asyncio.timeout(self._timeout_seconds):
            connection = await pool.acquire()
            try:
                answer = await connection.exchange(request)
            except BaseException:
                connection.close()  # cut short, or broken: its next bytes would answer nobody
                pool.release(connection)
                raise
        pool.release(connection)
        return answer

    async def _traced_post(
        self, tracer: Tracer, target: _Target, body: bytes, headers: Mapping[str, str]
    ) -> UpstreamResponse:
        from opentelemetry.propagate import inject
        from opentelemetry.trace import SpanKind, Status, StatusCode

        _, host, port = target.origin
        attributes: dict[str, str | int] = {
            "http.request.method": "POST",
            "url.full": target.url,
            "server.address": host,
            "server.port": port,
        }
        with tracer.start_as_current_span("POST", kind=SpanKind.CLIENT, attributes=attributes) as span:
            carried = dict(headers)
            inject(carried)
            try:
                answer = await self._post(target, body, carried)
            except BaseException as error:
                span.set_attribute("error.type", type(error).__qualname__)
                raise
            span.set_attribute("http.response.status_code", answer.status)
            if answer.status >= 500:
                span.set_status(Status(StatusCode.ERROR))
                span.set_attribute("error.type", str(answer.status))
            return answer

    def close(self) -> None:
        """Close the idle connections; those in use close when their exchange ends."""
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close()
