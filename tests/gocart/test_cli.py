"""The `gocart` command as a new user runs it: embedded servers, migrations, seed data, the dev stack."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from gocart.servers import free_port
from tests.support.services import ServiceUrls, embedded_data_dir

ROOT = Path(__file__).resolve().parents[2]


def gocart_env(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOCART_")}
    return {**env, "GOCART_DATA_DIR": str(data_dir), **settings}


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
        key_mode = (data / "keys" / "signing-key.pem").stat().st_mode

    assert first.returncode == 0, first.stderr[-3000:]
    assert "Demo data: 50 products added" in first.stdout
    assert "Demo data: 4 customers added" in first.stdout
    assert "Demo data: 0 products added" in second.stdout
    assert "Demo data: 0 customers added" in second.stdout
    assert key_mode & 0o077 == 0


@pytest.fixture
def dev_stack(
    tmp_path: Path, database_url: str, services: ServiceUrls, cache_namespace: str
) -> Iterator[tuple[subprocess.Popen[str], int, list[str]]]:
    port = free_port("127.0.0.1", 45100)
    users_port = free_port("127.0.0.1", 45200)
    env = gocart_env(
        tmp_path / "data",
        GOCART_DATABASE_URL=database_url,
        GOCART_REDIS_URL=services.redis_url,
        GOCART_PRODUCTS_PORT=str(port),
        GOCART_USERS_PORT=str(users_port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gocart.cli", "dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        if sum("Application startup complete" in seen for seen in lines) == 2:
            break
    try:
        yield process, port, lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_dev_prints_its_urls_serves_and_stops_on_sigint(
    dev_stack: tuple[subprocess.Popen[str], int, list[str]],
) -> None:
    process, port, lines = dev_stack
    output = "".join(lines)

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=10) as response:
        ready = json.loads(response.read())
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=30)

    assert f"http://127.0.0.1:{port}/graphql" in output
    assert "admin@gocart.local / " in output
    assert ready == {"status": "ready", "database": "ok", "redis": "ok"}
    assert code == 0


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
