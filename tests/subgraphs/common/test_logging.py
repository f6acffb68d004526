"""Console logs (`log_json` off) are coloured on a terminal only: a log file gets plain text."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each case starts a process configured as the subgraphs are

ROOT = Path(__file__).resolve().parents[3]
ANSI_ESCAPE = "\x1b["
# Logs one line through structlog and one through the standard library, as a subgraph's code does.
LOG_TWO_LINES = """
import logging, structlog
from subgraphs.common.logging import configure_logging
configure_logging(level="INFO", json=False)
structlog.get_logger("gocart.test").warning("through structlog", answer=42)
logging.getLogger("gocart.test").warning("through logging")
"""


def environment(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"NO_COLOR", "FORCE_COLOR"}}
    return {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "rest-compat")]), **overrides}


def logged_to_a_file(tmp_path: Path) -> str:
    log_file = tmp_path / "gocart.log"
    with log_file.open("w") as out:
        subprocess.run(  # noqa: S603  (fixed arguments)
            [sys.executable, "-c", LOG_TWO_LINES], stdout=out, env=environment(), check=True, timeout=60
        )
    return log_file.read_text()


def logged_to_a_terminal(**env: str) -> str:
    """What the lines look like on a (pseudo-)terminal."""
    controller, terminal = pty.openpty()
    try:
        subprocess.run(  # noqa: S603  (fixed arguments)
            [sys.executable, "-c", LOG_TWO_LINES],
            stdout=terminal,
            env=environment(**env),
            check=True,
            timeout=60,
        )
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's last writer is gone
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode()
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)


def test_console_logs_written_to_a_file_carry_no_colour_codes(tmp_path: Path) -> None:
    text = logged_to_a_file(tmp_path)

    assert "through structlog" in text
    assert "answer=42" in text
    assert "through logging" in text
    assert ANSI_ESCAPE not in text


@pytest.mark.parametrize(("env", "coloured"), [({}, True), ({"NO_COLOR": "1"}, False)], ids=["", "NO_COLOR"])
def test_console_logs_on_a_terminal_are_coloured_unless_no_color(env: dict[str, str], coloured: bool) -> None:
    text = logged_to_a_terminal(**env)

    assert "through structlog" in text
    assert (ANSI_ESCAPE in text) is coloured
