"""Reading the persisted-documents manifest in Apollo's and the Guild's formats, and refusing bad ones
(at load, at app creation and when the router process starts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from router.config import PersistedQueriesSettings, RouterSettings, SettingsInvalid, load_settings
from router.edge.persisted import ManifestInvalid, load_manifest, sha256_hex
from router.server import create_app
from tests.router.servers import free_port

BODY = "query MyName { me { name } }"


def apollo_manifest(*bodies: str) -> dict[str, object]:
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": sha256_hex(body), "name": "MyName", "type": "query", "body": body} for body in bodies
        ],
    }


def written(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_apollo_manifest_loads_documents_by_id(tmp_path: Path) -> None:
    manifest = load_manifest(written(tmp_path, apollo_manifest(BODY)))
    assert manifest.document(sha256_hex(BODY)) == BODY
    assert manifest.holds_body(BODY)


def test_guild_manifest_loads_documents_by_hash(tmp_path: Path) -> None:
    manifest = load_manifest(written(tmp_path, {sha256_hex(BODY): BODY}))
    assert manifest.document(sha256_hex(BODY)) == BODY
    assert manifest.holds_body(BODY)


def test_prefixed_and_bare_sha256_ids_name_the_same_document(tmp_path: Path) -> None:
    bare = load_manifest(written(tmp_path, {sha256_hex(BODY): BODY}))
    assert bare.document(f"sha256:{sha256_hex(BODY)}") == BODY
    prefixed = load_manifest(written(tmp_path, {f"sha256:{sha256_hex(BODY)}": BODY}))
    assert prefixed.document(sha256_hex(BODY)) == BODY


def test_body_is_compared_exactly(tmp_path: Path) -> None:
    manifest = load_manifest(written(tmp_path, apollo_manifest(BODY)))
    assert not manifest.holds_body(BODY.replace(" { name", " {  name"))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param("{nope", "not JSON", id="not json"),
        pytest.param([BODY], "must be a JSON object", id="array"),
        pytest.param({**apollo_manifest(BODY), "format": "relay"}, "format", id="unknown format"),
        pytest.param({**apollo_manifest(BODY), "version": 2}, "version", id="unknown version"),
        pytest.param(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id": "a"}]},
            "operations.0.body",
            id="operation without body",
        ),
        pytest.param(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": "a", "body": "{ a }"}, {"id": "a", "body": "{ b }"}],
            },
            "appears twice",
            id="one id, two bodies",
        ),
        pytest.param({"abc": {"body": BODY}}, "{hash: document}", id="guild value not a string"),
        pytest.param({"abc": ""}, "empty id or document", id="guild empty document"),
    ],
)
def test_bad_manifest_is_refused_with_a_one_line_reason(tmp_path: Path, content: object, reason: str) -> None:
    path = written(tmp_path, content)
    with pytest.raises(ManifestInvalid) as refused:
        load_manifest(path)
    message = str(refused.value)
    assert reason in message
    assert str(path) in message
    assert "\n" not in message


def test_missing_manifest_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ManifestInvalid, match="No such file"):
        load_manifest(tmp_path / "missing.json")


def test_app_with_a_bad_manifest_cannot_be_created(supergraph_file: Path, tmp_path: Path) -> None:
    settings = RouterSettings(
        supergraph=supergraph_file,
        persisted_queries=PersistedQueriesSettings(manifest=written(tmp_path, "{nope")),
    )
    with pytest.raises(ManifestInvalid):
        create_app(settings)


def test_safelist_without_manifest_is_invalid_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOCART_ROUTER_PERSISTED_QUERIES__SAFELIST_ONLY", "true")
    with pytest.raises(SettingsInvalid, match=r"persisted_queries: .*safelist_only needs a manifest"):
        load_settings()


@pytest.mark.slow  # starts a router process
def test_router_process_with_a_bad_manifest_stops_before_serving(
    supergraph_file: Path, tmp_path: Path
) -> None:
    manifest = written(tmp_path, {"format": "apollo-persisted-query-manifest", "version": 1})
    command = [
        sys.executable,
        "-m",
        "router",
        "--supergraph",
        str(supergraph_file),
        "--port",
        str(free_port()),
    ]
    env = {**os.environ, "GOCART_ROUTER_PERSISTED_QUERIES__MANIFEST": str(manifest)}
    finished = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False, env=env)  # noqa: S603
    assert finished.returncode != 0
    assert finished.stderr.strip().splitlines() == [
        f"gocart-router: persisted query manifest {manifest}: not a valid Apollo persisted query manifest: "
        "operations: Field required"
    ]
