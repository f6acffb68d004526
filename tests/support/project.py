"""What pyproject.toml declares, read from the file itself (not from the installed metadata, which may
come from another checkout): the console scripts, and the modules each extra brings."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


@cache
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def console_scripts() -> dict[str, str]:
    """Command name -> `module:function`."""
    scripts: dict[str, str] = pyproject()["project"]["scripts"]
    return scripts


def modules_of_extras(*extras: str) -> set[str]:
    """The top-level modules that the distributions the extras name (besides gocart itself) provide.

    Every one of those distributions is installed in the test environment (`[dev]` includes them all), so
    each must provide at least one module: otherwise refusing its modules would refuse nothing."""
    optional: dict[str, list[str]] = pyproject()["project"]["optional-dependencies"]
    wanted = {canonicalize_name(Requirement(line).name) for extra in extras for line in optional[extra]} - {
        "gocart"
    }
    provided: dict[str, set[str]] = {name: set() for name in wanted}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            if canonicalize_name(distribution) in wanted:
                provided[canonicalize_name(distribution)].add(module)
    empty = sorted(name for name, modules in provided.items() if not modules)
    if empty:
        raise LookupError(f"not installed, so their modules are unknown: {', '.join(empty)}")
    return {module for modules in provided.values() for module in modules}
