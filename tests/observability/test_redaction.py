"""Secrets never reach a log line: a process configured as every Gocart process is logs passwords,
tokens and card numbers through structlog, the standard library and a traceback, and its real output
(read from its stdout) carries none of them, while the rest of each line is kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from observability.redaction import redact_text

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery-staple"
JWT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLW9mLWFkYQ"
CARD = "4242 4242 4242 4242"
CARD_DIGITS = "4242424242424242"
DATABASE_PASSWORD = "db-s3cret"
ORDER_NUMBER = "1234567890123"  # 13 digits that fail the Luhn check: not a card, kept
LOG_SECRETS = f"""
import logging, structlog
from observability.logs import configure_logging
configure_logging(level="INFO", json={{json}})
log = structlog.get_logger("gocart.test")
log.info("user.login", email="ada@example.com", password="{PASSWORD}")
log.info("checkout", cardNumber="{CARD}", order="{ORDER_NUMBER}", headers={{{{"authorization": "Bearer {JWT}"}}}})
log.warning("forwarding Bearer {JWT} to products")
logging.getLogger("gocart.test").warning("card %s declined for %s", "{CARD_DIGITS}", "ada")
logging.getLogger("gocart.test").info("connecting to postgresql+asyncpg://gocart:{DATABASE_PASSWORD}@db:5432/gocart")
try:
    raise ValueError("token {JWT} refused")
except ValueError:
    log.exception("login.failed")
"""
SECRETS = (PASSWORD, JWT, CARD, CARD_DIGITS, DATABASE_PASSWORD)


def logged(*, json_lines: bool) -> str:
    """The real stdout of a process logging secrets in every way the services do."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "rest-compat")])}
    completed = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "-c", LOG_SECRETS.format(json=json_lines)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    return completed.stdout


@pytest.fixture(scope="module")
def json_output() -> str:
    return logged(json_lines=True)


@pytest.fixture(scope="module")
def json_lines(json_output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in json_output.splitlines()]


@pytest.mark.parametrize("secret", SECRETS, ids=["password", "jwt", "card", "card digits", "url password"])
def test_no_secret_appears_in_json_logs(json_output: str, secret: str) -> None:
    assert secret not in json_output


@pytest.mark.parametrize("secret", SECRETS, ids=["password", "jwt", "card", "card digits", "url password"])
def test_no_secret_appears_in_console_logs(secret: str) -> None:
    assert secret not in logged(json_lines=False)


def test_every_line_is_still_logged_with_what_is_not_secret(json_lines: list[dict[str, Any]]) -> None:
    assert [line["event"].split(" ")[0] for line in json_lines] == [
        "user.login",
        "checkout",
        "forwarding",
        "card",
        "connecting",
        "login.failed",
    ]
    assert json_lines[0]["email"] == "ada@example.com"
    assert json_lines[1]["order"] == ORDER_NUMBER
    assert "postgresql+asyncpg://gocart:[REDACTED]@db:5432/gocart" in json_lines[4]["event"]


def test_secret_fields_are_replaced_whatever_their_value(json_lines: list[dict[str, Any]]) -> None:
    assert json_lines[0]["password"] == "[REDACTED]"
    assert json_lines[1]["cardNumber"] == "[REDACTED]"
    assert json_lines[1]["headers"] == {"authorization": "[REDACTED]"}


def test_a_traceback_is_redacted_too(json_lines: list[dict[str, Any]]) -> None:
    traceback = json_lines[-1]["exception"]

    assert "ValueError: token [REDACTED] refused" in traceback


def test_a_uuid_whose_head_looks_like_a_card_number_is_kept() -> None:
    subject = "28772327-4545-4fb6-ac90-c7106c638d94"  # 2877232745454 passes the Luhn check

    assert redact_text(f"user {subject} signed in") == f"user {subject} signed in"


def test_a_card_number_between_words_is_still_masked() -> None:
    assert redact_text(f"paid with {CARD}, thanks") == "paid with [REDACTED], thanks"
