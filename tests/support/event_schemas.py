"""Checking an emitted event against its JSON schema checked in under schema/events/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from subgraphs.common.events import DomainEvent

EVENT_SCHEMAS = Path(__file__).resolve().parents[2] / "schema" / "events"


@cache
def validator(event_type: str, version: int) -> Draft202012Validator:
    schema: dict[str, Any] = json.loads((EVENT_SCHEMAS / f"{event_type}.v{version}.json").read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def check_against_schema(event: DomainEvent) -> None:
    """Raises jsonschema's ValidationError, naming the field, for an event its schema refuses."""
    validator(event.type, event.schema_version).validate(json.loads(event.to_json()))
