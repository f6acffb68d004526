"""The answers to persisted-query requests that cannot run, with Apollo Router's codes, messages and HTTP
statuses, so Apollo clients react as they do against Apollo Router (a PERSISTED_QUERY_NOT_FOUND makes
the APQ link send the query text; a PERSISTED_QUERY_NOT_SUPPORTED makes it stop sending hashes).

Answers that depend on what the router knows right now (not found, not in the list) carry
`Cache-Control: private, no-cache, must-revalidate`, so no cache between keeps them once it does know.
"""

from __future__ import annotations

from router.errors import RequestError, RouterError

DONT_CACHE = {"cache-control": "private, no-cache, must-revalidate"}


class PersistedQueryNotFound(RequestError):
    """An APQ hash the router has not stored: the client is expected to send the query with it."""

    code = "PERSISTED_QUERY_NOT_FOUND"
    status_code = 200

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotFound", headers=dict(DONT_CACHE))


class PersistedQueryNotSupported(RequestError):
    """A persisted query sent to a router with APQ switched off and no manifest."""

    code = "PERSISTED_QUERY_NOT_SUPPORTED"
    status_code = 200

    def __init__(self) -> None:
        super().__init__("PersistedQueryNotSupported")


class PersistedQueryHashMismatch(RequestError):
    """An APQ registration whose query text does not hash to the hash sent with it."""

    code = "PERSISTED_QUERY_HASH_MISMATCH"

    def __init__(self) -> None:
        super().__init__("provided sha does not match query")


class PersistedQueryNotInList(RequestError):
    """A document id that the manifest does not hold (and that no APQ registration may stand in for)."""

    code = "PERSISTED_QUERY_NOT_IN_LIST"
    status_code = 404

    def __init__(self, document_id: str) -> None:
        super().__init__(
            f"Persisted query '{document_id}' not found in the persisted query list", headers=dict(DONT_CACHE)
        )


class QueryNotInSafelist(RequestError):
    """Query text that is not, byte for byte, a document of the manifest, under `safelist_only`."""

    code = "QUERY_NOT_IN_SAFELIST"
    status_code = 403

    def __init__(self) -> None:
        super().__init__(
            "The operation body was not found in the persisted query safelist", headers=dict(DONT_CACHE)
        )


class CannotSendIdAndBody(RequestError):
    """A document id together with query text where nothing may be registered (safelist, APQ off, or a
    `documentId`, which only names manifest documents)."""

    code = "CANNOT_SEND_PQ_ID_AND_BODY"

    def __init__(self) -> None:
        super().__init__(
            "Sending a persisted query ID and a body in the same request is disallowed",
            headers=dict(DONT_CACHE),
        )


class ManifestInvalid(RouterError):
    """The persisted-documents manifest cannot be used; the message is one line, for the start-up error."""
