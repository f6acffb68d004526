"""The router's HTTP/1.1 client for subgraph fetches: keep-alive connections on asyncio protocols,
answers parsed by httptools (llhttp, the parser uvicorn serves with).

Why our own rather than aiohttp's client: a subgraph fetch needs very little of a general client (a
POST of a JSON body to a known origin, the answer read whole; no cookies, redirects, proxies or
compression), and aiohttp's spent about 75 µs of CPU on each (request and response objects, payload
registry, a timer and tasks per request), a third of the router's CPU on a three-fetch request. Here a
fetch is one write and one parse, about 10 µs on the same machine; docs/router.md has the figures.

Each `UpstreamClient` is one subgraph's: at most `limit` connections to each origin (the pool and the
concurrency cap in one, as aiohttp's connector `limit`), idle ones kept `idle_seconds`, callers beyond
the limit served in the order they came, and one `timeout_seconds` covering the wait for a connection,
connecting and the whole answer. A replayable request (a query) that meets a kept connection the
subgraph had already closed is sent again on another, as Go's and urllib3's clients do. With a tracer
provider, each fetch is an OpenTelemetry client span and carries its `traceparent`.
"""

from __future__ import annotations

import asyncio
import errno
import re
import ssl
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

import httptools

from router.client_owned_headers import CLIENT_OWNED_HEADERS

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer, TracerProvider

_UNSENDABLE = re.compile(r"[\r\n\x00]")
"""Characters that would end a header line early (header injection): never sent."""


UPSTREAM_IDLE_SECONDS = 4.0
"""How long an idle pooled connection to a subgraph is kept: below uvicorn's 5 s keep-alive, so the
router never reuses a connection the subgraph is closing."""

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""The largest subgraph answer read (head and body): past it the exchange fails rather than the router
holding whatever a broken or hostile subgraph sends."""


class UpstreamError(Exception):
    """The exchange with the subgraph failed below HTTP; the message says how (no host names)."""


class UpstreamConnectError(UpstreamError):
    """No connection could be made."""


class UpstreamInvalidResponse(UpstreamError):
    """The subgraph answered, but not with an HTTP answer to a POST this client can take."""


class _StaleConnection(UpstreamError):
    """A kept connection ended before any byte of its answer: the subgraph had closed it, most likely
    without reading the request (safe to send a replayable request again, once, on another)."""


class _NotSent(_StaleConnection):
    """A kept connection found closed before the request was written: any request may go on another."""


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    """A whole answer: its status, body, and headers by lower-case name (a repeated one's values joined
    by ", ", as RFC 9110 §5.3 combines them)."""

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
    traced_url: str


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
    credentials, _, host = parts.netloc.rpartition("@")
    # OpenTelemetry's `url.full` keeps no credentials: they read as REDACTED (semantic conventions).
    traced_url = url.replace(f"{credentials}@", "REDACTED:REDACTED@", 1) if credentials else url
    return _Target(url, (parts.scheme, parts.hostname, port), host, path, traced_url)


def _request_head(target: _Target, headers: Mapping[str, str], length: int) -> bytes:
    """The request line and headers: names lower-cased (the last of two spellings wins), the client's
    own headers never taken from the caller, no line breaks, Latin-1 only."""
    sent = {name.lower(): value for name, value in headers.items()}
    if _UNSENDABLE.search("".join([*sent, *sent.values()])) is not None:
        raise UpstreamError("a header to forward holds a line break")
    lines = "".join(
        [f"{name}: {value}\r\n" for name, value in sent.items() if name not in CLIENT_OWNED_HEADERS]
    )
    text = (
        f"POST {target.path} HTTP/1.1\r\nhost: {target.host_header}\r\n{lines}"
        f"content-length: {length}\r\n\r\n"
    )
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as error:  # HTTP headers are Latin-1 (what uvicorn decodes them as)
        raise UpstreamError("a header to forward is not Latin-1 text") from error


class _Connection(asyncio.Protocol):
    """One keep-alive connection: one exchange at a time, the answer parsed as it arrives."""

    def __init__(self, max_response_bytes: int, on_lost: Callable[[_Connection], None]) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._max_response_bytes = max_response_bytes
        self._on_lost = on_lost
        self._transport: asyncio.Transport | None = None
        self._answer: asyncio.Future[UpstreamResponse] | None = None
        self._received = 0
        self._body: list[bytes] = []
        self._headers: dict[str, str] = {}
        self._headers_complete = False
        self._stream_ended = False  # the subgraph ended its stream: a FIN, or TLS's close_notify
        self.reusable = True
        self.exchanges = 0
        self.idle_since = 0.0

    @property
    def usable(self) -> bool:
        """Open, in step, and not closing (an end of stream closes the transport at once)."""
        return self.reusable and self._transport is not None and not self._transport.is_closing()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # create_connection's: a stream transport

    def exchange(self, request: bytes) -> asyncio.Future[UpstreamResponse]:
        if not self.usable or self._transport is None:
            self.close()
            if self.exchanges:  # kept, and closed by the subgraph since
                raise _NotSent("the subgraph had closed the kept connection")
            raise UpstreamError("the subgraph closed the connection before a whole answer")
        self.exchanges += 1
        self._received = 0
        self._answer = asyncio.get_running_loop().create_future()
        self._transport.write(request)
        return self._answer

    def data_received(self, data: bytes) -> None:
        if self._answer is None:  # bytes while idle: nobody's answer, the stream is out of step
            self.close()
            return
        self._received += len(data)
        if self._received > self._max_response_bytes:
            limit = self._max_response_bytes
            self._fail(UpstreamInvalidResponse(f"the subgraph's answer is over {limit} bytes"))
            self.close()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # 101 Switching Protocols: not an answer to a POST of JSON
            self._fail(UpstreamInvalidResponse("the subgraph switched protocols"))
            self.close()
        except httptools.HttpParserError:
            self._fail(UpstreamInvalidResponse("the subgraph's answer is not valid HTTP"))
            self.close()

    def eof_received(self) -> None:
        """The subgraph closed its side: nothing more will be sent or read here (the transport then
        closes itself, which ends an answer that runs to the close). Over TLS this is its close_notify:
        uvloop, the router's loop, does not call it for a bare FIN, which ends nothing whole."""
        self._stream_ended = True
        self.reusable = False

    def on_message_begin(self) -> None:
        if self._answer is None:  # an answer begun that nobody asked for: the stream is out of step
            self.close()

    def on_headers_complete(self) -> None:
        self._headers_complete = True

    def _ends_with_connection(self) -> bool:
        """An answer with neither a length nor chunks: its body is all that came before the close."""
        return self._headers_complete and not {"content-length", "transfer-encoding"} & self._headers.keys()

    def on_header(self, name: bytes, value: bytes) -> None:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        earlier = self._headers.get(key)
        self._headers[key] = text if earlier is None else f"{earlier}, {text}"

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        status = self._parser.get_status_code()
        if 100 <= status < 200:  # interim (103 Early Hints): the final one follows
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

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        if exc is None and self._stream_ended and self._answer is not None and self._ends_with_connection():
            # A clean end of stream ends such an answer; a reset, or a TLS connection cut without its
            # close_notify (an attacker's FIN can do that), cuts it short.
            self.on_message_complete()
        if self._received == 0 and self.exchanges > 1:
            self._fail(_StaleConnection("the subgraph had closed the kept connection"))
        else:
            self._fail(UpstreamError("the subgraph closed the connection before a whole answer"))
        self._on_lost(self)

    def _fail(self, error: UpstreamError) -> None:
        waiting, self._answer = self._answer, None
        if waiting is not None and not waiting.done():
            waiting.set_exception(error)

    def close(self) -> None:
        self.reusable = False
        if self._transport is not None:
            self._transport.close()


class _Pool:
    """Connections to one origin: idle ones reused newest first, at most `limit` open, and callers
    beyond it served first come, first served (a freed connection, or its slot, goes to the caller
    that has waited longest, never to one that just arrived)."""

    def __init__(
        self,
        origin: tuple[str, str, int],
        limit: int,
        idle_seconds: float,
        max_response_bytes: int,
        tls: ssl.SSLContext | None,
    ) -> None:
        self._origin = origin
        self._limit = limit
        self._idle_seconds = idle_seconds
        self._max_response_bytes = max_response_bytes
        self._tls = tls
        self._idle: deque[_Connection] = deque()
        self._open = 0
        self._waiting: deque[asyncio.Future[_Connection | None]] = deque()
        self._closed = False

    async def acquire(self) -> _Connection:
        if self._closed:
            raise UpstreamError("the client is closed")
        if not self._waiting:
            idle = self._take_idle()
            if idle is not None:
                return idle
            if self._open < self._limit:
                self._open += 1
                return await self._connect()
        turn: asyncio.Future[_Connection | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            handed = await turn
        except BaseException:
            if turn in self._waiting:
                self._waiting.remove(turn)
            elif turn.done() and not turn.cancelled() and turn.exception() is None:
                handed = turn.result()  # handed something this caller can no longer take: passed on
                if handed is None:
                    self._free_slot()
                else:
                    self.release(handed)
            raise
        if handed is not None:
            return handed
        if self._closed:  # a slot handed over before the client closed
            self._free_slot()
            raise UpstreamError("the client is closed")
        return await self._connect()  # a slot was handed over, still counted in `_open`

    def _take_idle(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if connection.usable and now - connection.idle_since < self._idle_seconds:
                return connection
            connection.close()
            self._free_slot()
        return None

    async def _connect(self) -> _Connection:
        """A new connection in a slot already counted in `_open` (freed again if it fails)."""
        scheme, host, port = self._origin
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(
                lambda: _Connection(self._max_response_bytes, self._lost),
                host,
                port,
                ssl=self._tls if scheme == "https" else None,
            )
        except (OSError, ValueError) as error:  # ValueError: a host IDNA cannot encode, or holding NUL
            self._free_slot()
            code = errno.errorcode.get(error.errno or 0) if isinstance(error, OSError) else None
            raise UpstreamConnectError(f"cannot connect ({code or type(error).__name__})") from error
        except BaseException:
            self._free_slot()
            raise
        return connection

    def release(self, connection: _Connection) -> None:
        if connection.usable and not self._closed:
            connection.idle_since = time.monotonic()
            self._give_back(connection)
        else:
            connection.close()
            self._free_slot()

    def _give_back(self, connection: _Connection | None) -> None:
        """A connection (or, with None, its slot) to the longest waiting caller, else to the idle."""
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(connection)
                return
        if connection is None:
            self._open -= 1
        else:
            self._idle.append(connection)

    def _free_slot(self) -> None:
        self._give_back(None)

    def drop_idle(self) -> None:
        """Close every idle connection: one was found closed by the subgraph (its keep-alive ran out, or
        it restarted), and those kept as long are as likely to be."""
        while self._idle:
            self._idle.pop().close()
            self._free_slot()

    def _lost(self, connection: _Connection) -> None:
        """A connection closed while idle (the subgraph's keep-alive ran out): out of the pool now."""
        if connection in self._idle:
            self._idle.remove(connection)
            self._free_slot()

    def close(self) -> None:
        self._closed = True
        while self._waiting:  # refused first, so the idle connections' slots go to nobody
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_exception(UpstreamError("the client is closed"))
        self.drop_idle()


class UpstreamClient:
    """POSTs to a subgraph over pooled keep-alive connections (one pool per origin)."""

    def __init__(
        self,
        *,
        limit: int = 100,
        timeout_seconds: float = 30.0,
        idle_seconds: float = UPSTREAM_IDLE_SECONDS,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self._limit = limit
        self._timeout_seconds = timeout_seconds
        self._idle_seconds = idle_seconds
        self._max_response_bytes = max_response_bytes
        self._tls: ssl.SSLContext | None = None  # one per client, built at its first https fetch
        self._pools: dict[tuple[str, str, int], _Pool] = {}
        self._closed = False
        self._tracer: Tracer | None = None
        if tracer_provider is not None:
            self._tracer = tracer_provider.get_tracer(__name__)

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str], *, replayable: bool = False
    ) -> UpstreamResponse:
        """The whole answer; `TimeoutError` past the timeout, `UpstreamError` when the exchange fails.
        `replayable`: sending the request twice does no harm (a query, not a mutation)."""
        target = _target(url)
        if self._tracer is None:
            return await self._post(target, body, headers, replayable)
        return await self._traced_post(self._tracer, target, body, headers, replayable)

    async def _post(
        self, target: _Target, body: bytes, headers: Mapping[str, str], replayable: bool
    ) -> UpstreamResponse:
        request = _request_head(target, headers, len(body)) + body
        pool = self._pool(target.origin)
        replayed = False
        async with asyncio.timeout(self._timeout_seconds):
            while True:
                connection = await pool.acquire()
                try:
                    answer = await connection.exchange(request)
                except _StaleConnection as stale:  # only a kept connection: dropped, with the other idle
                    pool.release(connection)
                    pool.drop_idle()
                    if isinstance(stale, _NotSent):  # the tries end on a new connection
                        continue
                    if replayable and not replayed:
                        replayed = True  # once: a query that kills its connection is not sent on every one
                        continue
                    raise
                except BaseException:
                    connection.close()  # cut short, or broken: its next bytes would answer nobody
                    pool.release(connection)
                    raise
                pool.release(connection)
                return answer

    def _pool(self, origin: tuple[str, str, int]) -> _Pool:
        pool = self._pools.get(origin)
        if pool is None:
            if self._closed:
                raise UpstreamError("the client is closed")
            if origin[0] == "https" and self._tls is None:
                self._tls = ssl.create_default_context()
            pool = _Pool(origin, self._limit, self._idle_seconds, self._max_response_bytes, self._tls)
            self._pools[origin] = pool
        return pool

    async def _traced_post(
        self,
        tracer: Tracer,
        target: _Target,
        body: bytes,
        headers: Mapping[str, str],
        replayable: bool,
    ) -> UpstreamResponse:
        from opentelemetry.trace import SpanKind, Status, StatusCode
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        _, host, port = target.origin
        attributes: dict[str, str | int] = {
            "http.request.method": "POST",
            "url.full": target.traced_url,
            "server.address": host,
            "server.port": port,
        }
        with tracer.start_as_current_span("POST", kind=SpanKind.CLIENT, attributes=attributes) as span:
            carried = dict(headers)  # lower-cased when the head is written, the injected last (it wins)
            # The trace context only: a caller's `baggage` is not forwarded (as Apollo Router by default).
            TraceContextTextMapPropagator().inject(carried)
            try:
                answer = await self._post(target, body, carried, replayable)
            except BaseException as error:
                span.set_attribute("error.type", type(error).__qualname__)
                if not isinstance(error, Exception):  # cancelled: OpenTelemetry sets no status for it
                    span.set_status(Status(StatusCode.ERROR, type(error).__qualname__))
                raise
            span.set_attribute("http.response.status_code", answer.status)
            if answer.status >= 400:  # a client span's error, by the HTTP semantic conventions
                span.set_status(Status(StatusCode.ERROR))
                span.set_attribute("error.type", str(answer.status))
            return answer

    def close(self) -> None:
        """Close the idle connections and refuse waiting callers; those in use close when their
        exchange ends."""
        self._closed = True
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close()
