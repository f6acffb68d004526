"""The request headers the router's HTTP client owns: in a module of its own, so the settings can refuse
them without importing the executor (the CLI loads the settings and nothing heavy)."""

from __future__ import annotations

CLIENT_OWNED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
        "proxy-connection",
        "expect",
    }
)
"""Headers the client writes or that govern the connection (RFC 9110 §7.6.1): a forwarded one would
let a caller frame the request or the connection (request smuggling), so they are never forwarded."""
