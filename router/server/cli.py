"""`gocart-router --supergraph FILE --host HOST --port PORT`: serve the router with uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn

from router.config import RouterSettings
from router.server.app import create_app


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gocart-router", description="Gocart's federation router.")
    parser.add_argument("--supergraph", type=Path, help="supergraph SDL file")
    parser.add_argument("--host", help="address to listen on")
    parser.add_argument("--port", type=int, help="port to listen on")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> RouterSettings:
    """Environment settings, overridden by whatever the command line gives."""
    overrides: dict[str, Any] = {
        name: value for name in ("supergraph", "host", "port") if (value := getattr(args, name)) is not None
    }
    return RouterSettings(**overrides)


def main(argv: Sequence[str] | None = None) -> None:
    settings = settings_from(parse_args(argv))
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        timeout_graceful_shutdown=int(settings.graceful_shutdown_seconds),
        log_level="info",
    )
