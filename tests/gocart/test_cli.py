"""The `gocart` command as a new user runs it: embedded servers, migrations, seed data, the dev stack."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from gocart.servers import free_port, port_is_free
from testbed.database import scratch_database
from tests.support.dev_stack import DevStack, gocart_env, running_dev_stack
from tests.support.services import ServiceUrls, embedded_data_dir

pytestmark = pytest.mark.slow  # runs the gocart command as processes: embedded servers, the dev stack

ROOT = Path(__file__).resolve().parents[2]


def run_gocart(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own CLI, fixed arguments)
        [sys.executable, "-m", "gocart.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_seed_on_the_embedded_default_adds_demo_data_once() -> None:
    with embedded_data_dir() as data:
        env = gocart_env(data)
        first = run_gocart("seed", env=env)
        second = run_gocart("seed", env=env)
        key_mode = (data / "keys" / "users" / "signing-key.pem").stat().st_mode

    assert first.returncode == 0, first.stderr[-3000:]
    assert "Demo data: 50 products added" in first.stdout
    assert "Demo data: 4 customers added" in first.stdout
    assert "Demo data: 0 products added" in second.stdout
    assert "Demo data: 0 customers added" in second.stdout
    assert key_mode & 0o077 == 0


@pytest.fixture
async def fresh_database_url(services: ServiceUrls) -> AsyncIterator[str]:
    """A database of its own, as a new user's `gocart dev` meets it: the rows other tests left in the
    session's database (outbox events, changed products) are not the demo's."""
    async with scratch_database(services.database_url, durable=False) as url:
        yield url


@pytest.fixture
def dev_stack(fresh_database_url: str, services: ServiceUrls) -> Iterator[DevStack]:
    ports: dict[str, int] = {}
    for name, base in (
        ("products", 45100),
        ("users", 45200),
        ("orders", 45250),
        ("router", 45300),
        ("rest", 45400),
    ):
        ports[name] = free_port("127.0.0.1", base, taken=list(ports.values()))
    with (
        embedded_data_dir() as data,
        running_dev_stack(
            data, ports, GOCART_DATABASE_URL=fresh_database_url, GOCART_REDIS_URL=services.redis_url
        ) as stack,
    ):
        yield stack


def post_graphql(port: int, query: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body: dict[str, object] = json.loads(response.read())
    return body


def test_dev_serves_every_service_through_the_router_and_stops_on_sigint(dev_stack: DevStack) -> None:
    through_router = post_graphql(
        dev_stack.ports["router"], "{ categories(rootsOnly: true) { slug } me { id } }"
    )
    with urllib.request.urlopen(f"http://127.0.0.1:{dev_stack.ports['users']}/ready", timeout=10) as response:
        users_ready = json.loads(response.read())
    rest_url = f"http://127.0.0.1:{dev_stack.ports['rest']}"
    with urllib.request.urlopen(f"{rest_url}/products?limit=5", timeout=10) as response:  # noqa: S310
        legacy_products = json.loads(response.read())

    dev_stack.process.send_signal(signal.SIGINT)
    code = dev_stack.process.wait(timeout=30)

    assert f"http://127.0.0.1:{dev_stack.ports['router']}/graphql" in dev_stack.output
    assert "admin@gocart.local / " in dev_stack.output
    data = through_router["data"]
    assert isinstance(data, dict)
    seeded = {"books", "clothing", "electronics", "home-kitchen", "sports-outdoors"}
    assert seeded <= {category["slug"] for category in data["categories"]}
    assert data["me"] is None
    assert users_ready == {"status": "ready", "database": "ok", "redis": "ok"}
    assert len(legacy_products) == 5
    assert f"{rest_url}/docs" in dev_stack.output
    # orders reserved stock with its own service key; one order is shipped, one card is declined
    assert "5 demo orders: 3 paid, 1 shipped, 1 payment failed" in dev_stack.output
    assert code == 0
    assert all(port_is_free("127.0.0.1", port) for port in dev_stack.ports.values())


def test_dev_router_is_protected_and_open_to_local_frontends(dev_stack: DevStack) -> None:
    router = f"http://127.0.0.1:{dev_stack.ports['router']}/graphql"
    bomb = "{ " + " ".join(f"a{index}: __typename" for index in range(31)) + " }"
    refused = httpx.post(router, json={"query": bomb}, timeout=10)
    preflight = httpx.options(
        router,
        headers={"origin": "http://localhost:5173", "access-control-request-method": "POST"},
        timeout=10,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "MAX_ALIASES_LIMIT"
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "limits     depth 15, aliases 30, root fields 20" in dev_stack.output
    assert "CSRF prevention on" in dev_stack.output


def test_the_admin_token_dev_prints_is_accepted_for_its_twelve_hours(dev_stack: DevStack) -> None:
    import jwt

    # The token is the line after its heading: the services may log more lines once the banner is out.
    lines = dev_stack.output.splitlines()
    heading = next(index for index, line in enumerate(lines) if "Authorization: Bearer" in line)
    token = lines[heading + 1].strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    response = httpx.post(
        f"http://127.0.0.1:{dev_stack.ports['router']}/graphql",
        json={"query": "{ users(first: 1) { edges { node { id } } } }"},
        headers={"authorization": f"Bearer {token}"},
        timeout=10,
    )

    assert claims["exp"] - claims["iat"] == 12 * 3600
    assert response.status_code == 200
    assert "errors" not in response.json()


def no_services(data_dir: Path) -> dict[str, str]:
    """Settings that start no embedded server (the command never connects to them)."""
    return gocart_env(
        data_dir, GOCART_DATABASE_URL="postgresql://unused/x", GOCART_REDIS_URL="redis://unused"
    )


def test_keys_rotate_signs_with_the_next_key(tmp_path: Path) -> None:
    from gocart.keys import KeyFolder

    folder = KeyFolder.open(tmp_path / "data" / "keys")
    upcoming, current = folder.next_key().kid, folder.signing_key().kid

    result = run_gocart("keys", "rotate", env=no_services(tmp_path / "data"))

    assert result.returncode == 0, result.stderr
    assert f"Now signing with {upcoming}" in result.stdout
    assert f"{current} stays published" in result.stdout
    assert folder.signing_key().kid == upcoming


def test_keys_rotate_again_too_soon_is_refused_unless_forced(tmp_path: Path) -> None:
    env = no_services(tmp_path / "data")
    run_gocart("keys", "rotate", env=env)

    again = run_gocart("keys", "rotate", env=env)
    forced = run_gocart("keys", "rotate", "--force", env=env)

    assert (again.returncode, forced.returncode) == (1, 0)
    assert "Not rotated" in again.stderr
    assert "is no longer published" in forced.stdout


def test_a_service_token_is_signed_with_the_orders_key(tmp_path: Path) -> None:
    import jwt

    from gocart.keys import KeyFolder

    result = run_gocart(
        "token", "--role", "service", "--subject", "orders", env=no_services(tmp_path / "data")
    )

    header = jwt.get_unverified_header(result.stdout.strip())
    assert header["kid"] == KeyFolder(tmp_path / "data" / "keys").service_key("orders").kid


def test_token_refuses_a_lifetime_the_dev_stack_would_refuse(tmp_path: Path) -> None:
    result = run_gocart("token", "--hours", "13", env=no_services(tmp_path / "data"))
    assert result.returncode == 2


def test_token_mints_a_token_for_the_role(tmp_path: Path) -> None:
    import jwt

    result = run_gocart(
        "token",
        "--role",
        "customer",
        "--subject",
        "ada",
        env=gocart_env(
            tmp_path / "data", GOCART_DATABASE_URL="postgresql://unused/x", GOCART_REDIS_URL="redis://unused"
        ),
    )

    claims = jwt.decode(result.stdout.strip(), options={"verify_signature": False})
    assert (claims["sub"], claims["role"]) == ("ada", "customer")
