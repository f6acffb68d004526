"""The dev stack's settings: which service believes which hop, which key signs and which is trusted."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from gocart.processes import settings_env
from gocart.settings import StackSettings
from gocart.stack import DEV_MAX_TOKEN_LIFETIME_SECONDS, DEV_TOKEN_HOURS, Stack


def configured_stack(data_dir: Path) -> Stack:
    """A stack on configured URLs (nothing embedded is started; nothing connects to them here)."""
    return Stack(
        StackSettings(
            database_url=SecretStr("postgresql+asyncpg://nobody@127.0.0.1:1/none"),
            redis_url=SecretStr("redis://127.0.0.1:1/0"),
            data_dir=data_dir,
        )
    )


def test_the_rest_layer_and_the_router_are_trusted_hops_by_one_kept_secret(tmp_path: Path) -> None:
    stack = configured_stack(tmp_path)
    ports = stack.default_ports()
    sent_by_rest = stack.rest_settings(ports).router_proxy_secret
    router = stack.router_settings(ports, {})
    subgraphs = (stack.users_settings(ports), stack.products_settings(ports), stack.orders_settings(ports))

    assert sent_by_rest is not None
    assert len(sent_by_rest.get_secret_value()) >= 16
    assert router.trusted_proxy_secret == sent_by_rest == router.subgraph_proxy_secret
    assert all(subgraph.trusted_proxy_secret == sent_by_rest for subgraph in subgraphs)
    assert configured_stack(tmp_path).proxy_secret == sent_by_rest  # kept across runs


def test_the_router_caches_entities_and_the_subgraphs_invalidate_them_with_one_kept_secret(
    tmp_path: Path,
) -> None:
    stack = configured_stack(tmp_path)
    ports = stack.default_ports()
    router = stack.router_settings(ports, {})
    subgraphs = (stack.users_settings(ports), stack.products_settings(ports), stack.orders_settings(ports))

    secret = router.entity_cache.invalidation_secret
    assert router.entity_cache.enabled
    assert secret is not None
    assert len(secret.get_secret_value()) >= 16
    assert all(subgraph.router_invalidation_secret == secret for subgraph in subgraphs)
    assert {subgraph.router_invalidation_url for subgraph in subgraphs} == {
        f"http://{stack.settings.host}:{ports.router}/invalidation"
    }
    assert configured_stack(tmp_path).invalidation_secret == secret  # kept across runs
    assert (tmp_path / "invalidation-secret").stat().st_mode & 0o077 == 0


def test_the_routers_invalidation_secret_reaches_its_process_unmasked(tmp_path: Path) -> None:
    stack = configured_stack(tmp_path)
    env = settings_env(stack.router_settings(stack.default_ports(), {}))
    assert stack.invalidation_secret.get_secret_value() in env["GOCART_ROUTER_ENTITY_CACHE"]


def test_no_process_of_the_dev_stack_trusts_an_address(tmp_path: Path) -> None:
    stack = configured_stack(tmp_path)
    ports = stack.default_ports()
    settings = (
        stack.router_settings(ports, {}),
        stack.rest_settings(ports),
        stack.users_settings(ports),
        stack.products_settings(ports),
        stack.orders_settings(ports),
    )
    assert [config.trusted_proxies for config in settings] == [()] * len(settings)


def test_the_proxy_secret_file_is_the_owners_only(tmp_path: Path) -> None:
    configured_stack(tmp_path)
    assert (tmp_path / "proxy-secret").stat().st_mode & 0o077 == 0


def test_orders_signs_service_tokens_with_its_own_key_and_never_holds_the_users_key(tmp_path: Path) -> None:
    stack = configured_stack(tmp_path)
    orders = stack.orders_settings(stack.default_ports())
    environment = settings_env(orders)

    assert orders.service_signing_key_file == stack.keys.service_key_path("orders")
    assert stack.keys.service_key("orders").kid != stack.signing_key.kid
    assert not any(str(stack.keys.users) in value for value in environment.values())
    assert not any(stack.signing_key.private_pem().strip() in value for value in environment.values())


def test_every_subgraph_trusts_the_service_keys_and_the_router_does_not(tmp_path: Path) -> None:
    stack = configured_stack(tmp_path)
    ports = stack.default_ports()
    subgraphs = (stack.users_settings(ports), stack.products_settings(ports), stack.orders_settings(ports))

    assert {subgraph.jwt_service_jwks_file for subgraph in subgraphs} == {stack.keys.service_jwks_path}
    assert not any("service" in name for name in settings_env(stack.router_settings(ports, {})))


def test_the_users_subgraph_reads_its_keys_from_the_folder_to_follow_a_rotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    stack = configured_stack(Path("data"))  # relative, as by default; the services run elsewhere
    users = stack.users_settings(stack.default_ports())

    assert (users.jwt_private_key, users.jwt_key_id) == (None, None)
    assert users.jwt_private_key_file == tmp_path / "data" / "keys" / "users" / "signing-key.pem"
    assert users.jwt_published_jwks_file == tmp_path / "data" / "keys" / "users" / "jwks.json"


def test_every_verifier_of_the_dev_stack_accepts_the_dev_tokens_lifetime(tmp_path: Path) -> None:
    stack = configured_stack(tmp_path)
    ports = stack.default_ports()
    verifiers = (
        stack.router_settings(ports, {}),
        stack.users_settings(ports),
        stack.products_settings(ports),
        stack.orders_settings(ports),
    )
    lifetimes = {verifier.jwt_max_token_lifetime_seconds for verifier in verifiers}
    assert lifetimes == {DEV_MAX_TOKEN_LIFETIME_SECONDS}
    assert DEV_MAX_TOKEN_LIFETIME_SECONDS >= DEV_TOKEN_HOURS * 3600
