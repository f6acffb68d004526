"""Taskfile.yml's `install` counts as done only once the development tools are installed, so `task test`
right after the README's quick start (which installs Gocart alone) installs them first."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEV_TOOLS = ("pytest", "ruff", "mypy", "lint-imports")


@pytest.fixture(scope="module")
def install() -> dict[str, Any]:
    task: dict[str, Any] = yaml.safe_load((ROOT / "Taskfile.yml").read_text())["tasks"]["install"]
    return task


def install_is_up_to_date(install: dict[str, Any], bin_dir: Path) -> bool:
    """What Task's `status` says: every command exits 0 (with `{{.BIN}}` the given folder)."""
    commands = [command.replace("{{.BIN}}", str(bin_dir)) for command in install["status"]]
    return all(
        subprocess.run(["bash", "-c", command], check=False).returncode == 0  # noqa: S603, S607
        for command in commands
    )


def virtualenv_bin(tmp_path: Path, *executables: str) -> Path:
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in executables:
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def test_install_is_not_done_when_only_gocart_is_installed(install: dict[str, Any], tmp_path: Path) -> None:
    assert not install_is_up_to_date(install, virtualenv_bin(tmp_path, "gocart"))


def test_install_is_done_when_the_development_tools_are_installed(
    install: dict[str, Any], tmp_path: Path
) -> None:
    assert install_is_up_to_date(install, virtualenv_bin(tmp_path, "gocart", *DEV_TOOLS))


def test_install_runs_again_when_pyproject_changes(install: dict[str, Any]) -> None:
    assert "pyproject.toml" in install["sources"]
