"""`gocart dev` as a new user runs it, in a process of its own, with its output read as it comes.

Its output (its own and its services', which share its stdout) is read by a thread for as long as it
runs, so a long test never fills the pipe and blocks the stack, and tests can wait for a line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 180
BANNER_LINES = 25  # the banner's lines after "Gocart is running"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def gocart_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This environment without any GOCART_ setting, then the data folder and `settings`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOCART_")}
    return {**env, "GOCART_DATA_DIR": str(data_dir), **settings}


@dataclass
class OutputLines:
    """Every line a process wrote so far (colours stripped), filled by a reading thread."""

    lines: list[str] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _ended: bool = False

    def read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(_ANSI.sub("", line))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, matches: Callable[[str], bool], *, timeout: float, start: int = 0) -> int | None:
        """The index of the first line from `start` that matches, waiting for it; None if none came."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for index in range(start, len(self.lines)):
                    if matches(self.lines[index]):
                        return index
                start = max(start, len(self.lines))
                remaining = deadline - time.monotonic()
                if self._ended or remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def wait_for_count(self, count: int, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.lines) < count and not self._ended and time.monotonic() < deadline:
                self._changed.wait(max(deadline - time.monotonic(), 0.01))

    def text(self) -> str:
        with self._changed:
            return "".join(self.lines)


@dataclass(frozen=True)
class DevStack:
    process: subprocess.Popen[str]
    ports: dict[str, int]
    data_dir: Path
    output: str  # everything written up to the end of the banner (or until it stopped, if it never came)
    log: OutputLines  # every line, as it comes


@contextmanager
def running_dev_stack(data_dir: Path, ports: dict[str, int], **settings: str) -> Iterator[DevStack]:
    """`gocart dev` on `data_dir` and `ports` (name -> port), running until its banner is out; stopped
    with SIGINT afterwards, as a user would, so that it stops its services too."""
    env = gocart_env(
        data_dir, **{f"GOCART_{name.upper()}_PORT": str(port) for name, port in ports.items()}, **settings
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gocart.cli", "dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = OutputLines()
    reader = threading.Thread(target=output.read, args=(process.stdout,), daemon=True)
    reader.start()
    running = output.wait_for(lambda line: "Gocart is running" in line, timeout=START_TIMEOUT_SECONDS)
    if running is not None:
        # The banner ends with the admin token, on the line after its heading.
        heading = output.wait_for(lambda line: "Authorization: Bearer" in line, timeout=30, start=running)
        output.wait_for_count((heading if heading is not None else running + BANNER_LINES) + 2, timeout=30)
    try:
        yield DevStack(process, ports, data_dir, output.text(), output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        reader.join(timeout=10)
        # pytest shows what a test printed only when it fails: then the stack's whole story is there.
        print(f"---- gocart dev output ({len(output.lines)} lines) ----\n{output.text()[-30000:]}")
