"""The observability profile's checked-in configuration (deploy/observability), read without a Docker
engine: the Grafana dashboard queries only metrics our processes export, and Prometheus scrapes every
process where it listens."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from rest_compat.config import RestSettings
from router.config import RouterSettings
from subgraphs.orders.config import OrdersSettings
from subgraphs.products.config import ProductsSettings
from subgraphs.users.config import UsersSettings
from tests.observability.exported import exported_names

ROOT = Path(__file__).resolve().parents[2]
OBSERVABILITY = ROOT / "deploy" / "observability"
DASHBOARD = OBSERVABILITY / "grafana" / "dashboards" / "gocart-golden-signals.json"
PROMETHEUS = OBSERVABILITY / "prometheus.yml"
PORTS = {
    "router": RouterSettings.model_fields["port"].default,
    "rest": RestSettings.model_fields["port"].default,
    "users": UsersSettings.model_fields["port"].default,
    "products": ProductsSettings.model_fields["port"].default,
    "orders": OrdersSettings.model_fields["port"].default,
}
# Our metric names in a PromQL expression (functions, labels and keywords never start with gocart_).
METRIC_NAME = re.compile(r"\bgocart_[a-zA-Z0-9_:]*")


def panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for panel in dashboard["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))
    return found


@pytest.fixture(scope="module")
def expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in panels(dashboard) for target in panel.get("targets", [])]


def test_the_dashboard_queries_something(expressions: list[str]) -> None:
    assert len(expressions) >= 12


def test_every_metric_the_dashboard_queries_is_exported_by_a_gocart_process(expressions: list[str]) -> None:
    used = {name for expression in expressions for name in METRIC_NAME.findall(expression)}

    assert used
    assert used - exported_names() == set()


def test_every_query_reads_a_gocart_metric(expressions: list[str]) -> None:
    assert [expression for expression in expressions if not METRIC_NAME.search(expression)] == []


@pytest.mark.parametrize(
    "signal",
    [
        "gocart_router_requests_total",
        "gocart_router_request_duration_seconds_bucket",
        "gocart_graphql_operations_total",
        "gocart_graphql_operation_duration_seconds_bucket",
        "gocart_rest_requests_total",
    ],
)
def test_the_dashboard_shows_the_golden_signals_of_each_kind_of_process(
    expressions: list[str], signal: str
) -> None:
    assert any(signal in expression for expression in expressions)


def test_prometheus_scrapes_every_process_where_it_listens() -> None:
    config = yaml.safe_load(PROMETHEUS.read_text(encoding="utf-8"))
    targets = {
        job["job_name"]: [target for static in job["static_configs"] for target in static["targets"]]
        for job in config["scrape_configs"]
    }

    assert targets == {name: [f"{name}:{port}"] for name, port in PORTS.items()}
