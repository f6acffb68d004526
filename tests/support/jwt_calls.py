"""Counting what PyJWT is asked to do, so a test can tell a token checked again from one remembered."""

from __future__ import annotations

from typing import Any

import jwt
import pytest


def record_calls(monkeypatch: pytest.MonkeyPatch, function: str) -> list[str]:
    """Every token passed to `jwt.<function>` (`decode`, `get_unverified_header`) from now on, in order."""
    called: list[str] = []
    original = getattr(jwt, function)

    def recording(token: str, *args: Any, **kwargs: Any) -> Any:
        called.append(token)
        return original(token, *args, **kwargs)

    monkeypatch.setattr(jwt, function, recording)
    return called
