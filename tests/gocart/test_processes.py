"""A service's settings as the environment its process is started with."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from gocart.processes import settings_env
from rest_compat.config import RestSettings
from router.config import EntityCacheSettings, RouterSettings


def test_trusted_proxies_pass_through_the_environment_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = RestSettings(trusted_proxies=("10.0.0.0/8", "fd00::1"), router_proxy_secret="s3cret")
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)

    read_back = RestSettings()

    assert read_back.trusted_proxies == settings.trusted_proxies
    assert read_back.router_proxy_secret == settings.router_proxy_secret


def test_a_secret_inside_a_section_passes_through_the_environment_unmasked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = RouterSettings(entity_cache=EntityCacheSettings(invalidation_secret=SecretStr("inv-s3cret")))
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)

    read_back = RouterSettings()

    assert read_back.entity_cache.invalidation_secret == SecretStr("inv-s3cret")
    assert read_back.entity_cache.enabled is True
