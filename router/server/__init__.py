"""The router's only web code: the ASGI app and its command line."""

from router.server.app import create_app

__all__ = ["create_app"]
