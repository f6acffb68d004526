"""`gocart assets`: vendor the browser tools' JavaScript and CSS (GraphiQL with React for the router,
Swagger UI and ReDoc for the REST layer) from the npm registry, so both pages work with no network.

Every package is pinned with the registry's sha512 integrity, so a run either reproduces exactly the
files checked in or fails. Each destination folder gets `ASSETS.json` (package, version, and the sha256 of
each file), which the tests use to prove the checked-in files are the pinned ones, and the packages'
licences beside the files. Run it after changing a version below (`task assets`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = "https://registry.npmjs.org"
ROUTER_STATIC = ROOT / "router" / "server" / "static"
REST_STATIC = ROOT / "rest-compat" / "rest_compat" / "static"
MANIFEST = "ASSETS.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # the registry's `dist.integrity`
    files: dict[str, str]  # path in the tarball (under package/) -> file name in the destination
    destination: Path

    @property
    def tarball_url(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"


PACKAGES = (
    Package(
        "graphiql",
        "3.9.0",
        "sha512-rJYFlHdBbug9+YbFSwRVvgfPjCayC7wHecZkx/qB4XLuQPFQZw/yB9pmHFtOJV6RiNBBHro3u1GdocKa3YcGRA==",
        {
            "graphiql.min.js": "graphiql.min.js",
            "graphiql.min.css": "graphiql.min.css",
            "LICENSE": "LICENSE-graphiql",
        },
        ROUTER_STATIC,
    ),
    Package(
        "react",
        "18.3.1",
        "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
        {"umd/react.production.min.js": "react.production.min.js", "LICENSE": "LICENSE-react"},
        ROUTER_STATIC,
    ),
    Package(
        "react-dom",
        "18.3.1",
        "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
        {"umd/react-dom.production.min.js": "react-dom.production.min.js", "LICENSE": "LICENSE-react-dom"},
        ROUTER_STATIC,
    ),
    Package(
        "swagger-ui-dist",
        "5.32.0",
        "sha512-nKZB0OuDvacB0s/lC2gbge+RigYvGRGpLLMWMFxaTUwfM+CfndVk9Th2IaTinqXiz6Mn26GK2zriCpv6/+5m3Q==",
        {
            "swagger-ui-bundle.js": "swagger-ui-bundle.js",
            "swagger-ui.css": "swagger-ui.css",
            "favicon-32x32.png": "favicon-32x32.png",
            "LICENSE": "LICENSE-swagger-ui",
        },
        REST_STATIC,
    ),
    Package(
        "redoc",
        "2.5.1",
        "sha512-LmqA+4A3CmhTllGG197F0arUpmChukAj9klfSdxNRemT9Hr07xXr7OGKu4PHzBs359sgrJ+4JwmOlM7nxLPGMg==",
        {"bundles/redoc.standalone.js": "redoc.standalone.js", "LICENSE": "LICENSE-redoc"},
        REST_STATIC,
    ),
)


class IntegrityError(RuntimeError):
    """A downloaded tarball is not the one pinned."""


def verified_tarball(package: Package) -> bytes:
    with urllib.request.urlopen(package.tarball_url, timeout=60) as response:  # noqa: S310  (the npm registry)
        data: bytes = response.read()
    algorithm, _, expected = package.integrity.partition("-")
    if algorithm != "sha512" or base64.b64encode(hashlib.sha512(data).digest()).decode() != expected:
        raise IntegrityError(f"{package.name}@{package.version}: the tarball does not match its integrity")
    return data


def extract(package: Package, tarball: bytes) -> dict[str, str]:
    """Write the package's files; returns their sha256 by destination file name."""
    package.destination.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member_path, file_name in package.files.items():
            member = archive.extractfile(f"package/{member_path}")
            if member is None:
                raise IntegrityError(f"{package.name}@{package.version} has no {member_path}")
            content = member.read()
            (package.destination / file_name).write_bytes(content)
            written[file_name] = hashlib.sha256(content).hexdigest()
    return written


def vendor() -> None:
    manifests: dict[Path, dict[str, object]] = {}
    for package in PACKAGES:
        files = extract(package, verified_tarball(package))
        manifest = manifests.setdefault(package.destination, {})
        manifest[package.name] = {"version": package.version, "integrity": package.integrity, "files": files}
        print(
            f"{package.name}@{package.version}: {', '.join(files)} -> {package.destination.relative_to(ROOT)}"
        )
    for destination, manifest in manifests.items():
        (destination / MANIFEST).write_text(
            json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )


def main() -> int:
    vendor()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
