"""The vendored browser assets are exactly the pinned packages' files (their sha256 as `gocart assets`
recorded them), licences included."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from gocart.assets import MANIFEST, PACKAGES

DESTINATIONS = sorted({package.destination for package in PACKAGES})


@pytest.mark.parametrize("destination", DESTINATIONS, ids=lambda path: path.parent.name)
def test_each_vendored_file_is_the_pinned_one(destination: Path) -> None:
    manifest = json.loads((destination / MANIFEST).read_text(encoding="utf-8"))
    for package in (package for package in PACKAGES if package.destination == destination):
        recorded = manifest[package.name]
        assert (recorded["version"], recorded["integrity"]) == (package.version, package.integrity)
        for file_name, digest in recorded["files"].items():
            assert hashlib.sha256((destination / file_name).read_bytes()).hexdigest() == digest, file_name


def test_every_package_ships_its_licence() -> None:
    for package in PACKAGES:
        assert any(name.startswith("LICENSE") for name in package.files.values()), package.name
