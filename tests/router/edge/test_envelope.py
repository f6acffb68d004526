"""The GraphQL-over-HTTP envelope: single operations, batches and their bound, bad shapes."""

from __future__ import annotations

import orjson
import pytest

from router.edge.envelope import from_body, from_query_parameters
from router.errors import BadRequest
from router.limits import LimitExceeded


def test_an_object_body_is_one_operation() -> None:
    envelope = from_body(orjson.dumps({"query": "{ a }", "operationName": "A", "variables": {"x": 1}}), 10)
    assert not envelope.batch
    [request] = envelope.requests
    assert (request.query, request.operation_name, request.variables) == ("{ a }", "A", {"x": 1})


def test_an_array_body_is_a_batch_in_order() -> None:
    envelope = from_body(orjson.dumps([{"query": "{ a }"}, {"query": "{ b }"}]), 10)
    assert envelope.batch
    assert [request.query for request in envelope.requests] == ["{ a }", "{ b }"]


def test_a_batch_at_the_bound_is_accepted() -> None:
    assert len(from_body(orjson.dumps([{"query": "{ a }"}] * 3), 3).requests) == 3


def test_a_batch_over_the_bound_is_refused() -> None:
    with pytest.raises(LimitExceeded) as raised:
        from_body(orjson.dumps([{"query": "{ a }"}] * 4), 3)
    assert raised.value.code == "BATCH_LIMIT_EXCEEDED"


def test_an_empty_batch_is_a_bad_request() -> None:
    with pytest.raises(BadRequest):
        from_body(b"[]", 3)


@pytest.mark.parametrize(
    "body",
    [b'"text"', b"[1]", b'{"query": 1}', b'{"query": "{ a }", "variables": []}', b'{"extensions": 2}'],
)
def test_a_body_of_the_wrong_shape_is_a_bad_request(body: bytes) -> None:
    with pytest.raises(BadRequest):
        from_body(body, 3)


def test_query_parameters_carry_variables_and_extensions() -> None:
    envelope = from_query_parameters(
        {"query": "{ a }", "variables": '{"x": 2}', "extensions": '{"persistedQuery": {"version": 1}}'}
    )
    [request] = envelope.requests
    assert request.variables == {"x": 2}
    assert request.extensions == {"persistedQuery": {"version": 1}}


def test_query_parameters_with_bad_json_are_a_bad_request() -> None:
    with pytest.raises(BadRequest):
        from_query_parameters({"query": "{ a }", "variables": "{nope"})
