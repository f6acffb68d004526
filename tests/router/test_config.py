"""Router settings: a YAML file, the environment over it, flags over both, one line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from gocart.processes import settings_env
from router.config import LimitsSettings, RouterSettings, SettingsInvalid, load_settings
from router.server.cli import parse_args, settings_from

YAML = """
port: 4100
trusted_proxies: ["10.0.0.0/8"]
limits:
  max_depth: 8
  max_aliases: 5
cors:
  allow_origins: ["https://shop.example"]
traffic_shaping:
  subgraphs:
    products:
      timeout_seconds: 2
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "router.yaml"
    path.write_text(YAML, encoding="utf-8")
    return path


def test_a_yaml_file_fills_nested_sections(config_file: Path) -> None:
    settings = load_settings(config_file)
    assert settings.port == 4100
    assert settings.limits.max_depth == 8
    assert settings.limits.max_root_fields == 20  # the default where the file says nothing
    assert settings.cors.allow_origins == ("https://shop.example",)
    assert settings.traffic_shaping.for_subgraph("products").timeout_seconds == 2
    assert settings.traffic_shaping.for_subgraph("users").timeout_seconds == 30


def test_the_environment_overrides_the_file(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOCART_ROUTER_LIMITS__MAX_DEPTH", "6")
    monkeypatch.setenv("GOCART_ROUTER_PORT", "4300")
    settings = load_settings(config_file)
    assert (settings.limits.max_depth, settings.limits.max_aliases, settings.port) == (6, 5, 4300)


def test_flags_override_the_environment(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOCART_ROUTER_PORT", "4300")
    settings = settings_from(parse_args(["--config", str(config_file), "--port", "4400"]))
    assert settings.port == 4400


def test_each_mistake_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text("limits:\n  max_depth: 0\n  max_aliasses: 3\nrate_limit:\n  enabled: maybe\n")
    with pytest.raises(SettingsInvalid) as raised:
        load_settings(path)
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert any(line.startswith("limits.max_depth: ") for line in lines)
    assert any(line.startswith("limits.max_aliasses: ") for line in lines)
    assert any(line.startswith("rate_limit.enabled: ") for line in lines)


def test_the_command_line_refuses_a_bad_file_with_its_reasons(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text("limits:\n  max_depth: -1\n")
    with pytest.raises(SystemExit) as raised:
        settings_from(parse_args(["--config", str(path)]))
    assert str(raised.value).startswith("gocart-router: invalid configuration: limits.max_depth: ")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsInvalid, match="not found"):
        load_settings(tmp_path / "absent.yaml")


def test_nested_settings_survive_the_trip_through_a_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = RouterSettings(limits=LimitsSettings(max_depth=4), trusted_proxies=("10.1.0.0/16",))
    for name, value in settings_env(original).items():
        monkeypatch.setenv(name, value)
    assert load_settings() == original


def test_progressive_override_is_configured_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(
        "progressive_override:\n  enabled_labels: [beta]\n  header_labels: [new-stock]\n  seed: 4\n",
        encoding="utf-8",
    )
    override = load_settings(path).progressive_override
    assert override.enabled_labels == ("beta",)
    assert override.header_labels == ("new-stock",)
    assert override.header == "x-gocart-override-labels"
    assert override.seed == 4


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("enabled_labels", '["percent(10)"]'),
        ("header_labels", '["9lives"]'),
        ("enabled_labels", '["has space"]'),
        ("header", '"X Rollout"'),
    ],
)
def test_malformed_override_labels_and_header_names_are_refused(
    tmp_path: Path, setting: str, value: str
) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(f"progressive_override:\n  {setting}: {value}\n", encoding="utf-8")
    with pytest.raises(SettingsInvalid, match=r"^progressive_override: "):
        load_settings(path)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("content-length", "frames the request"), ("host", "frames the request"), ("X-Tenant", "lowercase")],
)
def test_forward_headers_refuse_connection_headers_and_uppercase_names(
    tmp_path: Path, name: str, reason: str
) -> None:
    path = tmp_path / "router.yaml"
    path.write_text(f'forward_headers: ["authorization", "{name}"]\n', encoding="utf-8")
    with pytest.raises(SettingsInvalid, match=reason):
        load_settings(path)
