"""Run a console script as if some installed packages were not: how the tests show that an image's
command starts without the extras that image leaves out.

    python -m tests.support.without_modules MODULE,MODULE,... PACKAGE.MODULE:FUNCTION [ARG ...]

Importing any of the named top-level modules (or anything under them) raises ModuleNotFoundError, as
in an environment where its distribution was never installed; then FUNCTION runs with ARG... as its
command line, the way the console script's wrapper calls it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType


class RefuseModules(importlib.abc.MetaPathFinder):
    def __init__(self, modules: set[str]) -> None:
        self.modules = modules

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] in self.modules:
            raise ModuleNotFoundError(f"No module named {fullname!r} (not installed here)", name=fullname)
        return None


def main() -> None:
    refused, entry, *arguments = sys.argv[1:]
    modules = {name for name in refused.split(",") if name}
    already = sorted(name for name in modules if name in sys.modules)
    if already:
        raise SystemExit(f"already imported before refusing them: {', '.join(already)}")
    sys.meta_path.insert(0, RefuseModules(modules))
    module_name, _, function_name = entry.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    sys.argv = [entry, *arguments]
    sys.exit(function())


if __name__ == "__main__":
    main()
