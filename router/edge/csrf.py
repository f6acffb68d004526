"""CSRF prevention as Apollo Router does it, and the content types a GraphQL POST may declare.

A browser sends a cross-site request without a CORS preflight only when it is "simple": GET, or a POST
whose content type is absent or one of the three form/text types, with no custom header. Such a request
could run an operation with the user's cookies or network position, so it is refused unless it carries
one of the required headers (which no simple request can). Anything declared as JSON forces a preflight.
"""

from __future__ import annotations

from starlette.datastructures import Headers

from router.errors import CsrfRequired, UnsupportedMediaType

NON_PREFLIGHTED_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
JSON_CONTENT_TYPES = frozenset({"application/json", "application/graphql-response+json"})


def media_type(content_type: str | None) -> str | None:
    """The essence of a Content-Type header (`application/json; charset=utf-8` -> `application/json`)."""
    if content_type is None:
        return None
    return content_type.split(";", 1)[0].strip().lower()


def check_csrf(headers: Headers, required_headers: tuple[str, ...]) -> None:
    """Raise `CsrfRequired` for a request that a browser could send cross-site without a preflight."""
    essence = media_type(headers.get("content-type"))
    if essence is not None and essence not in NON_PREFLIGHTED_CONTENT_TYPES:
        return
    if any(headers.get(name) for name in required_headers):
        return
    raise CsrfRequired(
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Send a "
        "'content-type: application/json' header, or a non-empty value for one of these headers: "
        + ", ".join(required_headers)
        + "."
    )


def check_post_content_type(headers: Headers) -> None:
    """Raise `UnsupportedMediaType` unless a POST declares a JSON body."""
    if media_type(headers.get("content-type")) not in JSON_CONTENT_TYPES:
        raise UnsupportedMediaType(
            "A GraphQL POST must have 'content-type: application/json'.",
            headers={"accept-post": "application/json"},
        )
