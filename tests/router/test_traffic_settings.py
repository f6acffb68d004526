"""Traffic-shaping settings: what `subgraphs.<name>` sets overrides `all`, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.config import load_settings

YAML = """
traffic_shaping:
  all:
    timeout_seconds: 5
    breaker:
      reset_seconds: 3
  subgraphs:
    products:
      pool_size: 7
      breaker:
        failure_threshold: 2
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "router.yaml"
    path.write_text(YAML, encoding="utf-8")
    return path


def test_subgraph_section_overrides_only_what_it_sets(config_file: Path) -> None:
    products = load_settings(config_file).traffic_shaping.for_subgraph("products")
    assert (products.timeout_seconds, products.pool_size) == (5, 7)
    assert (products.breaker.failure_threshold, products.breaker.reset_seconds) == (2, 3)


def test_subgraph_without_a_section_gets_all(config_file: Path) -> None:
    shaping = load_settings(config_file).traffic_shaping
    assert shaping.for_subgraph("reviews") == shaping.all


def test_environment_sets_all_and_one_subgraph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOCART_ROUTER_TRAFFIC_SHAPING__ALL__TIMEOUT_SECONDS", "4")
    monkeypatch.setenv("GOCART_ROUTER_TRAFFIC_SHAPING__SUBGRAPHS__PRODUCTS__RETRY__ATTEMPTS", "0")
    products = load_settings().traffic_shaping.for_subgraph("products")
    assert (products.timeout_seconds, products.retry.attempts, products.pool_size) == (4, 0, 100)
