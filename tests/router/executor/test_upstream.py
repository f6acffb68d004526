"""The router's HTTP client for subgraph fetches, against a raw HTTP server in the test's loop that
answers as scripted and counts the connections it was given."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator

import pytest
import uvloop
from opentelemetry import context
from opentelemetry.propagate import extract
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from router.executor.upstream import UpstreamClient, UpstreamConnectError, UpstreamError, UpstreamResponse
from tests.router.executor.raw_http import Answer, Server, echo, held_until, never, not_http, ok
from tests.router.executor.tls_server import Certificate, answer_once, self_signed_localhost


async def second_after_a_pause(server: Server, client: UpstreamClient) -> UpstreamResponse:
    """Fetches `first`, leaves the connection idle a moment (for what the server does then), and
    returns the answer to `second`."""
    await client.post(server.url, b"first", {})
    await asyncio.sleep(0.05)
    return await client.post(server.url, b"second", {})


@pytest.fixture
async def client() -> AsyncIterator[UpstreamClient]:
    upstream = UpstreamClient(limit=2, timeout_seconds=1.0)
    yield upstream
    upstream.close()


async def test_an_answer_carries_its_status_body_and_lower_case_headers(
    server: Server, client: UpstreamClient
) -> None:
    answer = await client.post(server.url, b'{"query": "{ a }"}', {"Authorization": "Bearer t"})

    assert (answer.status, answer.body) == (200, b'{"query": "{ a }"}')
    assert answer.headers["cache-control"] == "max-age=60"


async def test_the_request_names_the_path_host_length_and_headers_given(
    server: Server, client: UpstreamClient
) -> None:
    await client.post(server.url, b"{}", {"authorization": "Bearer t"})

    request_line, *headers = server.requests[0].partition(b"\r\n\r\n")[0].decode().split("\r\n")
    assert request_line == "POST /graphql?debug=1 HTTP/1.1"
    assert {"host: " + server.url.split("/")[2], "authorization: Bearer t", "content-length: 2"} <= set(
        headers
    )


async def test_fetches_one_after_another_share_one_connection(server: Server, client: UpstreamClient) -> None:
    for number in range(5):
        answer = await client.post(server.url, str(number).encode(), {})
        assert answer.body == str(number).encode()

    assert server.connections == 1


async def test_concurrent_fetches_open_no_more_connections_than_the_limit(server: Server) -> None:
    async def slow_echo(request: bytes, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.02)
        await echo(request, writer)

    server.answer = slow_echo
    client = UpstreamClient(limit=2, timeout_seconds=5.0)
    answers = await asyncio.gather(*(client.post(server.url, str(n).encode(), {}) for n in range(10)))
    client.close()

    assert [answer.body for answer in answers] == [str(n).encode() for n in range(10)]
    assert server.connections == 2


async def test_a_fetch_past_the_timeout_raises_and_the_late_answer_reaches_nobody(server: Server) -> None:
    async def late_then_prompt(request: bytes, writer: asyncio.StreamWriter) -> None:
        if request.endswith(b"late"):
            await asyncio.sleep(0.3)
        await echo(request, writer)

    server.answer = late_then_prompt
    client = UpstreamClient(limit=1, timeout_seconds=0.1)
    with pytest.raises(TimeoutError):
        await client.post(server.url, b"late", {})
    answer = await client.post(server.url, b"prompt", {})
    client.close()

    assert answer.body == b"prompt"
    assert server.connections == 2


async def test_a_caller_waiting_for_a_connection_times_out_too(server: Server) -> None:
    server.answer = never
    client = UpstreamClient(limit=1, timeout_seconds=0.1)
    outcomes = await asyncio.gather(
        client.post(server.url, b"first", {}), client.post(server.url, b"second", {}), return_exceptions=True
    )
    client.close()

    assert [type(outcome) for outcome in outcomes] == [TimeoutError, TimeoutError]
    assert server.connections == 1


async def test_a_cancelled_waiter_does_not_hold_up_the_callers_behind_it(server: Server) -> None:
    client = UpstreamClient(limit=1, timeout_seconds=2.0)
    slow = asyncio.Event()

    server.answer = held_until(slow)
    holder = asyncio.create_task(client.post(server.url, b"held", {}))
    await asyncio.sleep(0.05)
    cancelled = asyncio.create_task(client.post(server.url, b"cancelled", {}))
    waiting = asyncio.create_task(client.post(server.url, b"waiting", {}))
    await asyncio.sleep(0.05)
    cancelled.cancel()
    slow.set()
    answers = [(await holder).body, (await waiting).body]
    client.close()

    assert answers == [b"held", b"waiting"]
    assert cancelled.cancelled()


async def test_a_connection_the_subgraph_closed_while_idle_is_not_reused(
    server: Server, client: UpstreamClient
) -> None:
    async def answer_and_close(request: bytes, writer: asyncio.StreamWriter) -> None:
        await echo(request, writer)
        await writer.drain()
        writer.close()

    server.answer = answer_and_close
    answer = await second_after_a_pause(server, client)  # the close arrives in the pause

    assert answer.body == b"second"
    assert server.connections == 2


async def test_an_answer_saying_connection_close_ends_the_connection(
    server: Server, client: UpstreamClient
) -> None:
    async def close_after(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(ok(b"closing", "connection: close"))

    server.answer = close_after
    for _ in range(2):
        assert (await client.post(server.url, b"", {})).body == b"closing"

    assert server.connections == 2


async def test_a_connection_idle_past_the_idle_time_is_replaced(server: Server) -> None:
    client = UpstreamClient(idle_seconds=0.0)
    for _ in range(2):
        await client.post(server.url, b"", {})
    client.close()

    assert server.connections == 2


async def test_a_chunked_answer_comes_whole(server: Server, client: UpstreamClient) -> None:
    async def chunked(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )

    server.answer = chunked
    assert (await client.post(server.url, b"", {})).body == b"hello world"
    assert (await client.post(server.url, b"", {})).body == b"hello world"
    assert server.connections == 1


async def test_an_answer_without_a_length_ends_with_the_connection(
    server: Server, client: UpstreamClient
) -> None:
    async def until_close(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"data": ')
        await writer.drain()
        await asyncio.sleep(0.02)
        writer.write(b"{}}")
        await writer.drain()
        writer.close()

    server.answer = until_close
    assert (await client.post(server.url, b"", {})).body == b'{"data": {}}'


async def test_an_answer_cut_short_is_an_upstream_error(server: Server, client: UpstreamClient) -> None:
    async def cut_short(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"data"')
        await writer.drain()
        writer.close()

    server.answer = cut_short
    with pytest.raises(UpstreamError, match="closed the connection before a whole answer"):
        await client.post(server.url, b"", {})


async def test_an_answer_that_is_not_http_is_an_upstream_error(
    server: Server, client: UpstreamClient
) -> None:
    server.answer = not_http
    with pytest.raises(UpstreamError, match="not valid HTTP"):
        await client.post(server.url, b"", {})


async def test_a_header_holding_a_line_break_is_refused_before_anything_is_sent(
    server: Server, client: UpstreamClient
) -> None:
    with pytest.raises(UpstreamError, match="line break"):
        await client.post(server.url, b"", {"x-forwarded": "a\r\nx-admin: yes"})

    assert server.requests == []


async def test_a_subgraph_nobody_listens_for_is_a_connect_error(server: Server) -> None:
    client = UpstreamClient()
    with pytest.raises(UpstreamConnectError):
        await client.post("http://127.0.0.1:1/graphql", b"", {})


def traced_client() -> tuple[UpstreamClient, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return UpstreamClient(tracer_provider=provider), exporter


async def test_a_traced_fetch_is_a_client_span_whose_context_the_subgraph_receives(server: Server) -> None:
    client, exporter = traced_client()
    await client.post(server.url, b"{}", {})
    client.close()

    (span,) = exporter.get_finished_spans()
    assert span.kind is SpanKind.CLIENT
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 200
    trace_id = format(span.context.trace_id, "032x")
    span_id = format(span.context.span_id, "016x")
    assert f"traceparent: 00-{trace_id}-{span_id}-".encode() in server.requests[0]


async def test_an_interim_answer_is_skipped_for_the_final_one(server: Server, client: UpstreamClient) -> None:
    async def early_hints(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n")
        await echo(request, writer)

    server.answer = early_hints
    answer = await client.post(server.url, b"final", {})

    assert (answer.status, answer.body) == (200, b"final")
    assert "link" not in answer.headers


async def test_a_header_that_is_not_latin_1_is_an_upstream_error(
    server: Server, client: UpstreamClient
) -> None:
    with pytest.raises(UpstreamError, match="Latin-1"):
        await client.post(server.url, b"", {"x-caller": "Łódź"})

    assert server.requests == []


async def test_a_subgraph_url_with_a_port_that_is_not_a_number_is_a_connect_error(
    client: UpstreamClient,
) -> None:
    with pytest.raises(UpstreamConnectError, match="not a valid URL"):
        await client.post("http://products:eighty/graphql", b"", {})


async def test_a_repeated_header_comes_with_all_its_values_joined(
    server: Server, client: UpstreamClient
) -> None:
    async def two_policies(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(ok(b"{}", "cache-control: max-age=60", "cache-control: private"))

    server.answer = two_policies
    answer = await client.post(server.url, b"", {})

    assert answer.headers["cache-control"] == "max-age=60, private"


def closes_its_second_request_unanswered(server: Server) -> Answer:
    """The first connection answers once, then closes on the next request without a byte (as a
    subgraph does when its keep-alive ran out just as the request crossed the wire)."""

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        if server.connections == 1 and len(server.requests) == 2:
            writer.close()
            return
        await echo(request, writer)

    return answer


async def test_a_replayable_request_meeting_a_closed_kept_connection_is_sent_again_on_a_new_one(
    server: Server, client: UpstreamClient
) -> None:
    server.answer = closes_its_second_request_unanswered(server)
    await client.post(server.url, b"first", {})
    answer = await client.post(server.url, b"second", {}, replayable=True)

    assert answer.body == b"second"
    assert server.connections == 2


async def test_a_request_that_is_not_replayable_is_never_sent_twice(
    server: Server, client: UpstreamClient
) -> None:
    server.answer = closes_its_second_request_unanswered(server)
    await client.post(server.url, b"first", {})
    with pytest.raises(UpstreamError, match="closed the kept connection"):
        await client.post(server.url, b"mutation", {})

    assert [request.endswith(b"mutation") for request in server.requests] == [False, True]


async def test_a_freed_connection_goes_to_the_caller_waiting_longest_not_one_arriving_since(
    server: Server,
) -> None:
    client = UpstreamClient(limit=1, timeout_seconds=2.0)
    slow = asyncio.Event()

    async def held_then_late() -> None:
        await client.post(server.url, b"held", {})
        await client.post(server.url, b"late", {})  # asks while the waiter has not yet run

    server.answer = held_until(slow)
    holder = asyncio.create_task(held_then_late())
    await asyncio.sleep(0.05)
    waiting = asyncio.create_task(client.post(server.url, b"waiting", {}))
    await asyncio.sleep(0.05)
    slow.set()
    await asyncio.gather(holder, waiting)
    client.close()

    assert [request.rpartition(b"\r\n")[2] for request in server.requests] == [b"held", b"waiting", b"late"]


async def test_bytes_arriving_on_an_idle_connection_end_it(server: Server, client: UpstreamClient) -> None:
    async def then_stray_bytes(request: bytes, writer: asyncio.StreamWriter) -> None:
        await echo(request, writer)
        await writer.drain()
        await asyncio.sleep(0.02)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nst")

    server.answer = then_stray_bytes
    answer = await second_after_a_pause(server, client)

    assert answer.body == b"second"
    assert server.connections == 2


async def test_an_answer_without_a_length_cut_by_a_reset_is_an_upstream_error(
    server: Server, client: UpstreamClient
) -> None:
    async def reset(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"data": ')
        await writer.drain()
        await asyncio.sleep(0.05)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()  # closes with linger 0: a TCP reset, not an end of stream

    server.answer = reset
    with pytest.raises(UpstreamError, match="closed the connection before a whole answer"):
        await client.post(server.url, b"", {})


async def test_a_switch_of_protocols_is_an_upstream_error(server: Server, client: UpstreamClient) -> None:
    async def upgrade(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n")

    server.answer = upgrade
    with pytest.raises(UpstreamError, match="switched protocols"):
        await client.post(server.url, b"", {})


async def test_an_answer_over_the_size_limit_is_an_upstream_error(server: Server) -> None:
    client = UpstreamClient(max_response_bytes=100)
    with pytest.raises(UpstreamError, match="over 100 bytes"):
        await client.post(server.url, b"x" * 200, {})
    client.close()


async def test_headers_the_client_owns_are_never_taken_from_the_caller(
    server: Server, client: UpstreamClient
) -> None:
    forwarded = {"Host": "admin.internal", "Content-Length": "0", "Transfer-Encoding": "chunked"}
    answer = await client.post(server.url, b"body", forwarded)

    head = server.requests[0].partition(b"\r\n\r\n")[0].decode().lower()
    assert answer.body == b"body"
    assert (head.count("host:"), head.count("content-length:"), "transfer-encoding" in head) == (1, 1, False)


async def test_a_header_given_in_two_spellings_is_sent_once_lower_case(
    server: Server, client: UpstreamClient
) -> None:
    await client.post(server.url, b"", {"X-Request-Id": "first", "x-request-id": "second"})

    head = server.requests[0].partition(b"\r\n\r\n")[0].decode()
    assert [line for line in head.split("\r\n") if line.lower().startswith("x-request-id")] == [
        "x-request-id: second"
    ]


async def test_a_host_name_idna_cannot_encode_is_a_connect_error(client: UpstreamClient) -> None:
    with pytest.raises(UpstreamConnectError):
        await client.post(f"http://{'a' * 64}.example/graphql", b"", {})


async def test_callers_waiting_when_the_client_closes_are_refused(server: Server) -> None:
    server.answer = never
    client = UpstreamClient(limit=1, timeout_seconds=2.0)
    holder = asyncio.create_task(client.post(server.url, b"held", {}))
    await asyncio.sleep(0.05)
    waiting = asyncio.create_task(client.post(server.url, b"waiting", {}))
    await asyncio.sleep(0.05)
    client.close()
    holder.cancel()

    with pytest.raises(UpstreamError, match="client is closed"):
        await waiting


async def test_a_traced_fetch_never_records_the_urls_credentials(server: Server) -> None:
    client, exporter = traced_client()
    await client.post(server.url.replace("http://", "http://router:s3cret@"), b"{}", {})
    client.close()

    (span,) = exporter.get_finished_spans()
    assert span.attributes is not None
    assert str(span.attributes["url.full"]).startswith("http://REDACTED:REDACTED@127.0.0.1:")


async def test_a_traced_fetch_answered_4xx_is_an_error_span(server: Server) -> None:
    async def refused(request: bytes, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")

    server.answer = refused
    client, exporter = traced_client()
    await client.post(server.url, b"{}", {})
    client.close()

    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR


async def test_a_stray_answer_begun_in_the_same_read_never_reaches_the_next_caller(
    server: Server, client: UpstreamClient
) -> None:
    async def with_a_stray_head(request: bytes, writer: asyncio.StreamWriter) -> None:
        if len(server.requests) == 1:
            writer.write(ok(b"first") + b'HTTP/1.1 200 OK\r\ncontent-length: 30\r\n\r\n{"data":')
        else:
            await echo(request, writer)

    server.answer = with_a_stray_head
    answer = await second_after_a_pause(server, client)

    assert answer.body == b"second"


def answers_held_then_closes() -> Answer:
    """Answers `held` late, everything else at once, and closes the connection after each answer."""

    async def answer(request: bytes, writer: asyncio.StreamWriter) -> None:
        if request.endswith(b"held"):
            await asyncio.sleep(0.1)
        await echo(request, writer)
        await writer.drain()
        writer.close()

    return answer


async def test_a_mutation_handed_a_connection_closed_since_goes_unsent_onto_another(server: Server) -> None:
    server.answer = answers_held_then_closes()
    client = UpstreamClient(limit=1, timeout_seconds=2.0)
    holder = asyncio.create_task(client.post(server.url, b"held", {}))
    await asyncio.sleep(0.02)
    mutation = await client.post(server.url, b"mutation", {}, replayable=False)
    await holder
    client.close()

    assert mutation.body == b"mutation"
    assert [request.rpartition(b"\r\n")[2] for request in server.requests] == [b"held", b"mutation"]


async def test_a_query_the_subgraph_drops_its_connection_on_is_sent_at_most_twice(server: Server) -> None:
    async def dies_on_boom(request: bytes, writer: asyncio.StreamWriter) -> None:
        if request.endswith(b"boom"):
            writer.close()
            return
        await asyncio.sleep(0.02)
        await echo(request, writer)

    server.answer = dies_on_boom
    client = UpstreamClient(limit=5, timeout_seconds=2.0)
    await asyncio.gather(*(client.post(server.url, b"warm", {}) for _ in range(5)))  # five kept
    with pytest.raises(UpstreamError):
        await client.post(server.url, b"boom", {}, replayable=True)
    client.close()

    assert sum(request.endswith(b"boom") for request in server.requests) == 2


async def test_a_connection_handed_to_a_caller_cancelled_as_the_client_closes_is_closed(
    server: Server,
) -> None:
    client = UpstreamClient(limit=1, timeout_seconds=2.0)
    waiting: asyncio.Task[object] | None = None

    async def held_then_close() -> None:
        await client.post(server.url, b"held", {})
        client.close()  # the connection was just handed to the waiter, which has not yet run
        assert waiting is not None
        waiting.cancel()

    async def slow_echo(request: bytes, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.05)
        await echo(request, writer)

    server.answer = slow_echo
    holder = asyncio.create_task(held_then_close())
    await asyncio.sleep(0.01)
    waiting = asyncio.create_task(client.post(server.url, b"waiting", {}))
    await asyncio.gather(holder, waiting, return_exceptions=True)
    await asyncio.sleep(0.05)

    assert waiting.cancelled()
    assert server.open == 0


async def test_a_caller_handed_a_slot_as_the_client_closes_opens_no_connection(server: Server) -> None:
    client = UpstreamClient(limit=1, timeout_seconds=2.0)

    async def fails_held(request: bytes, writer: asyncio.StreamWriter) -> None:
        if request.endswith(b"held"):
            await asyncio.sleep(0.05)
            writer.close()  # the holder's exchange fails: its slot goes to the waiter
            return
        await echo(request, writer)

    async def held_then_close() -> None:
        with contextlib.suppress(UpstreamError):
            await client.post(server.url, b"held", {})
        client.close()

    server.answer = fails_held
    holder = asyncio.create_task(held_then_close())
    await asyncio.sleep(0.01)
    with pytest.raises(UpstreamError, match="client is closed"):
        await client.post(server.url, b"waiting", {})
    await holder

    assert server.connections == 1


async def test_a_connect_error_names_no_address(client: UpstreamClient) -> None:
    with pytest.raises(UpstreamConnectError) as refused:
        await client.post("http://127.0.0.1:1/graphql", b"", {})

    assert "127.0.0.1" not in str(refused.value)


async def test_a_traced_fetch_forwards_the_trace_context_but_not_the_callers_baggage(server: Server) -> None:
    client, _ = traced_client()
    incoming = extract({"baggage": "role=admin", "traceparent": f"00-{'1' * 32}-{'2' * 16}-01"})
    token = context.attach(incoming)
    try:
        await client.post(server.url, b"{}", {})
    finally:
        context.detach(token)
    client.close()

    head = server.requests[0].partition(b"\r\n\r\n")[0].decode()
    assert f"traceparent: 00-{'1' * 32}-" in head
    assert "baggage" not in head


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed_localhost(tmp_path_factory.mktemp("tls"))


def fetched_on_uvloop(port: int) -> UpstreamResponse:
    """One fetch over https on uvloop, the router's loop (its TLS layer tells a close_notify from a
    bare FIN; the standard loop's does not)."""

    async def fetch() -> UpstreamResponse:
        client = UpstreamClient(timeout_seconds=5)
        try:
            return await client.post(f"https://localhost:{port}/graphql", b"{}", {})
        finally:
            client.close()

    return uvloop.run(fetch())


def test_an_answer_to_the_close_ended_by_tls_close_notify_is_whole(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.certificate))
    port = answer_once(certificate, b'{"data": {"ok": true}}', close_notify=True)
    assert fetched_on_uvloop(port).body == b'{"data": {"ok": true}}'


def test_an_answer_to_the_close_cut_without_tls_close_notify_is_refused(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.certificate))
    port = answer_once(certificate, b'{"data": {"cut', close_notify=False)
    with pytest.raises(UpstreamError, match="before a whole answer"):
        fetched_on_uvloop(port)
