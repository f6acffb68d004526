"""docker-compose.yml gives each container only its own key: the users subgraph its key folder, the
orders subgraph its service key, and every subgraph the services' public keys (no Docker engine needed:
the file is read, not run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


def mounted_sources(service: dict[str, Any], compose: dict[str, Any]) -> list[str]:
    """What a container is given from the host: volume sources and secret files."""
    volumes = [str(volume).split(":")[0] for volume in service.get("volumes", [])]
    secrets = [compose["secrets"][name]["file"] for name in service.get("secrets", [])]
    return volumes + secrets


def test_only_the_users_subgraph_is_given_the_users_keys(compose: dict[str, Any]) -> None:
    given = {
        name: [source for source in mounted_sources(service, compose) if "keys/users" in source]
        for name, service in compose["services"].items()
    }
    assert {name: sources for name, sources in given.items() if sources} == {
        "users": ["./.gocart/keys/users"]
    }


def test_the_orders_subgraph_signs_with_its_own_key(compose: dict[str, Any]) -> None:
    orders = compose["services"]["orders"]
    assert mounted_sources(orders, compose) == [
        "./.gocart/keys/service-jwks.json",
        "./.gocart/keys/orders/service-key.pem",
    ]
    assert (
        orders["environment"]["GOCART_ORDERS_SERVICE_SIGNING_KEY_FILE"]
        == "/run/secrets/orders-service-key.pem"
    )


@pytest.mark.parametrize("subgraph", ["users", "products", "orders"])
def test_every_subgraph_trusts_the_services_public_keys(compose: dict[str, Any], subgraph: str) -> None:
    service = compose["services"][subgraph]
    path = service["environment"][f"GOCART_{subgraph.upper()}_JWT_SERVICE_JWKS_FILE"]
    assert f"./.gocart/keys/service-jwks.json:{path}:ro" in service["volumes"]
