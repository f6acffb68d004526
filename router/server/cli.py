"""`gocart-router --supergraph FILE --host HOST --port PORT`: serve the router with uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn

from router.config import RouterSettings
from router.errors import RouterError
from router.server.app import create_app
from router.supergraph import parse_supergraph


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


def check_supergraph(path: Path) -> None:
    """Fail before serving when the supergraph cannot be read or understood, with a one-line reason."""
    try:
        parse_supergraph(path.read_text(encoding="utf-8"))
    except (OSError, RouterError) as error:
        raise SystemExit(f"gocart-router: cannot use supergraph {path}: {error}") from error


def main(argv: Sequence[str] | None = None) -> None:
    settings = settings_from(parse_args(argv))
    check_supergraph(settings.supergraph)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        timeout_graceful_shutdown=int(settings.graceful_shutdown_seconds),
        log_level="info",
    )
