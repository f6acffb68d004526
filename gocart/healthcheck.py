"""`gocart-healthcheck SERVICE [--ready]`: exit 0 when the service running beside it answers `/health`
(or, with `--ready`, a subgraph's `/ready`: its database and Redis answer), else 1 with the reason on
stderr. The images' `HEALTHCHECK` and docker-compose's healthchecks run it inside the container.

The address comes from the service's own settings, read as the service reads them (its environment, and
for the router its YAML file), so a container started with another port is probed there. Only that
settings module is imported and the request is the standard library's, so a probe stays cheap.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module

PROBE_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True)
class Address:
    host: str
    port: int


def _router() -> Address:
    from router.config import SettingsInvalid, config_file_from_environment, load_settings

    try:
        settings = load_settings(config_file_from_environment())
    except SettingsInvalid as error:
        raise ValueError(str(error)) from error
    return Address(settings.host, settings.port)


def _from_settings(settings_class: str) -> Callable[[], Address]:
    """The address in a service's settings (`module:Class`), imported only when that service is probed."""

    def address() -> Address:
        module, _, name = settings_class.partition(":")
        settings = getattr(import_module(module), name)()
        return Address(settings.host, settings.port)

    return address


@dataclass(frozen=True)
class Probed:
    address: Callable[[], Address]
    has_ready: bool  # subgraphs answer /ready; the router and the REST layer only /health


SERVICES: dict[str, Probed] = {
    "router": Probed(_router, has_ready=False),
    "rest": Probed(_from_settings("rest_compat.config:RestSettings"), has_ready=False),
    "users": Probed(_from_settings("subgraphs.users.config:UsersSettings"), has_ready=True),
    "products": Probed(_from_settings("subgraphs.products.config:ProductsSettings"), has_ready=True),
    "orders": Probed(_from_settings("subgraphs.orders.config:OrdersSettings"), has_ready=True),
}


def probe_url(address: Address, path: str) -> str:
    """Where to reach a service listening on `address` from its own container (a wildcard means loopback)."""
    host = address.host
    if host in {"", "0.0.0.0"}:  # noqa: S104  (recognising the wildcard, not binding to it)
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{address.port}{path}"


def check(url: str) -> str | None:
    """None when `url` answers 2xx, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_SECONDS) as response:  # noqa: S310  (our own)
            status = int(response.status)
    except urllib.error.HTTPError as error:
        return f"{url} answered {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return f"{url} is unreachable: {getattr(error, 'reason', error)}"
    return None if 200 <= status < 300 else f"{url} answered {status}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gocart-healthcheck", description="Probe the Gocart service running in this container."
    )
    parser.add_argument("service", choices=sorted(SERVICES))
    parser.add_argument("--ready", action="store_true", help="a subgraph's /ready instead of /health")
    args = parser.parse_args(argv)
    probed = SERVICES[args.service]
    if args.ready and not probed.has_ready:
        parser.error(f"{args.service} has no /ready; its /health is its readiness")
    try:
        address = probed.address()
    except ValueError as error:  # pydantic's ValidationError is one
        print(f"{args.service}: its settings are invalid: {error}", file=sys.stderr)
        return 1
    problem = check(probe_url(address, "/ready" if args.ready else "/health"))
    if problem is not None:
        print(f"{args.service}: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
