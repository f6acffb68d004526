"""CSRF prevention and content types: what a browser could send cross-site without a preflight."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from router.edge.csrf import check_csrf, check_post_content_type, media_type
from router.errors import CsrfRequired, UnsupportedMediaType

REQUIRED = ("x-apollo-operation-name", "apollo-require-preflight")


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]
)
def test_a_simple_request_without_a_required_header_is_refused(content_type: str | None) -> None:
    headers = Headers({"content-type": content_type} if content_type else {})
    with pytest.raises(CsrfRequired):
        check_csrf(headers, REQUIRED)


def test_a_json_request_needs_no_required_header() -> None:
    check_csrf(Headers({"content-type": "application/json; charset=utf-8"}), REQUIRED)


def test_a_required_header_makes_a_simple_request_acceptable() -> None:
    check_csrf(Headers({"apollo-require-preflight": "true"}), REQUIRED)


def test_an_empty_required_header_does_not_count() -> None:
    with pytest.raises(CsrfRequired):
        check_csrf(Headers({"x-apollo-operation-name": ""}), REQUIRED)


def test_a_post_must_declare_json() -> None:
    with pytest.raises(UnsupportedMediaType):
        check_post_content_type(Headers({"content-type": "text/plain"}))


def test_a_post_declared_as_graphql_response_json_is_accepted() -> None:
    check_post_content_type(Headers({"content-type": "application/graphql-response+json"}))


def test_media_type_drops_parameters_and_case() -> None:
    assert media_type("Application/JSON; charset=utf-8") == "application/json"
