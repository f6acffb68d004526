"""uv.lock, the installs `.ci/run` makes (and the images should), stays in step with pyproject.toml.

`uv lock --check --offline` with an empty cache passes only when the lock already satisfies
pyproject.toml: resolving anything anew would need the index, which it may not reach.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

from uv import find_uv_bin

REPOSITORY = Path(__file__).resolve().parents[2]
LOCK = REPOSITORY / "uv.lock"
PROJECT_FILES = ("pyproject.toml", "uv.lock", "README.md")


def lock_check(project: Path, uv_cache: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "UV_CACHE_DIR": str(uv_cache), "UV_PYTHON_DOWNLOADS": "never"}
    command = [find_uv_bin(), "lock", "--check", "--offline"]
    return subprocess.run(  # noqa: S603  (uv from the environment)
        command, cwd=project, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def locked_version(package: str) -> str:
    packages = tomllib.loads(LOCK.read_text(encoding="utf-8"))["package"]
    return str(next(entry["version"] for entry in packages if entry["name"] == package))


def test_the_lock_matches_pyproject(tmp_path: Path) -> None:
    result = lock_check(REPOSITORY, tmp_path / "uv-cache")
    assert result.returncode == 0, f"uv.lock is out of date: run `uv lock` and commit it.\n{result.stderr}"


def test_the_lock_check_fails_once_pyproject_gains_a_dependency(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(REPOSITORY / name, project / name)
    assert lock_check(project, tmp_path / "uv-cache").returncode == 0  # the copy alone is still in step
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert "dependencies = [\n" in text
    pyproject.write_text(
        text.replace("dependencies = [\n", 'dependencies = [\n    "six",\n', 1), encoding="utf-8"
    )
    assert lock_check(project, tmp_path / "uv-cache").returncode != 0


def test_ci_run_installs_the_locked_uv() -> None:
    pinned = re.search(r'^UV_VERSION="([^"]+)"', (REPOSITORY / ".ci" / "run").read_text(), re.MULTILINE)
    assert pinned is not None
    assert pinned.group(1) == locked_version("uv")
