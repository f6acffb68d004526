"""`gocart-router [--config router.yaml] [--supergraph FILE] [--host HOST] [--port PORT]`: serve the router
with uvicorn. Settings come from the YAML file, the environment, then these flags (router/config.py)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn

from observability.logs import configure_logging
from observability.startup_heap import freeze_once_started
from router.config import (
    CONFIG_ENV,
    RouterSettings,
    SettingsInvalid,
    config_file_from_environment,
    load_settings,
)
from router.errors import RouterError
from router.server.app import create_app
from router.supergraph import parse_supergraph


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gocart-router", description="Gocart's federation router.")
    parser.add_argument("--config", type=Path, help=f"router YAML configuration (or ${CONFIG_ENV})")
    parser.add_argument("--supergraph", type=Path, help="supergraph SDL file")
    parser.add_argument("--host", help="address to listen on")
    parser.add_argument("--port", type=int, help="port to listen on")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> RouterSettings:
    """File settings, overridden by the environment, overridden by whatever the command line gives."""
    overrides: dict[str, Any] = {
        name: value for name in ("supergraph", "host", "port") if (value := getattr(args, name)) is not None
    }
    config = args.config or config_file_from_environment()
    try:
        return load_settings(config, **overrides)
    except SettingsInvalid as error:
        lines = str(error).splitlines()
        raise SystemExit(
            "\n".join(f"gocart-router: invalid configuration: {line}" for line in lines)
        ) from error


def check_supergraph(path: Path) -> None:
    """Fail before serving when the supergraph cannot be read or understood, with a one-line reason."""
    try:
        parse_supergraph(path.read_text(encoding="utf-8"))
    except (OSError, RouterError) as error:
        raise SystemExit(f"gocart-router: cannot use supergraph {path}: {error}") from error


def main(argv: Sequence[str] | None = None) -> None:
    settings = settings_from(parse_args(argv))
    configure_logging(level=settings.log_level, json=settings.log_json)
    check_supergraph(settings.supergraph)
    try:
        app = create_app(settings)
    except RouterError as error:
        raise SystemExit(f"gocart-router: {error}") from error
    uvicorn.run(
        freeze_once_started(app),  # once the lifespan built the supergraph, planner and pools
        host=settings.host,
        port=settings.port,
        timeout_graceful_shutdown=int(settings.graceful_shutdown_seconds),
        log_config=None,  # uvicorn's own lines go through `configure_logging`'s handler too
        access_log=settings.access_log,
        # The router resolves client addresses itself, from its own trusted-proxies list.
        proxy_headers=False,
    )
