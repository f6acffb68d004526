"""The dev stack's settings: which service believes which hop."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from gocart.settings import StackSettings
from gocart.stack import Stack


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
