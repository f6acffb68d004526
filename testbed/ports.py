"""A free TCP port on 127.0.0.1, for servers that tests and benchmarks start on their own."""

from __future__ import annotations

import socket


def unused_port() -> int:
    """A port nobody listens on now (the kernel's pick); the caller binds it soon after."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
