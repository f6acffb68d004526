"""How the dev banner tells the demo orders' statuses, and how their placing fails when the router
answers something it did not expect (told, never raised past the banner)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gocart.demo import DemoOrdersFailed, describe_demo_orders, place_demo_orders

Answer = Callable[[str], tuple[int, bytes]]  # the operation's text -> (status, body)


def test_the_demo_orders_are_told_by_status_most_common_first() -> None:
    statuses = Counter({"SHIPPED": 1, "PAID": 3, "PAYMENT_FAILED": 1})

    assert describe_demo_orders(statuses) == "5 demo orders: 3 paid, 1 shipped, 1 payment failed"


def test_one_demo_order_is_told_in_the_singular() -> None:
    assert describe_demo_orders(Counter({"PAID": 1})) == "1 demo order: 1 paid"


@pytest.fixture
def router_answering() -> Iterator[Callable[[Answer], str]]:
    """A router stand-in on a free port that answers every POST with `answer(query)`; its URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(answer: Answer) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = json.loads(self.rfile.read(int(self.headers["content-length"])))["query"]
                status, body = answer(query)
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll: `shutdown` waits for the serving loop to look (0.5 s by default).
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/graphql"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def signs_in_then(answer: Answer) -> Answer:
    def answering(query: str) -> tuple[int, bytes]:
        if "login" in query:
            return 200, b'{"data": {"login": {"accessToken": "t"}}}'
        return answer(query)

    return answering


def place(url: str) -> Counter[str]:
    return place_demo_orders(url, password="p", admin=("admin@gocart.local", "p"))


def test_a_seeded_product_that_is_missing_is_told_by_its_sku(
    router_answering: Callable[[Answer], str],
) -> None:
    url = router_answering(signs_in_then(lambda _query: (200, b'{"data": {"productBySku": null}}')))

    with pytest.raises(DemoOrdersFailed, match="no product with SKU LT-AIR-13"):
        place(url)


def test_an_error_answered_with_a_4xx_status_is_told_by_its_message(
    router_answering: Callable[[Answer], str],
) -> None:
    body = b'{"errors": [{"message": "Too many requests", "extensions": {"code": "RATE_LIMITED"}}]}'
    url = router_answering(lambda _query: (429, body))

    with pytest.raises(DemoOrdersFailed, match="Too many requests"):
        place(url)


def test_an_answer_that_is_not_json_is_told_with_its_status(
    router_answering: Callable[[Answer], str],
) -> None:
    url = router_answering(lambda _query: (502, b"<html>Bad gateway</html>"))

    with pytest.raises(DemoOrdersFailed, match=r"not JSON \(HTTP 502\)"):
        place(url)


def test_an_answer_without_data_is_a_failure_not_a_crash(router_answering: Callable[[Answer], str]) -> None:
    url = router_answering(lambda _query: (200, b'{"data": null}'))

    with pytest.raises(DemoOrdersFailed, match="without data"):
        place(url)
