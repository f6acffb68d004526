"""`gocart trace ID`: one trace from the spans files `gocart dev --trace` has the services write
(`<data dir>/traces/<service>.jsonl`, observability/spans_file.py), as an indented tree: each span under its
parent, with its service and duration, children in the order they started."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SpanLine:
    span_id: str
    parent_span_id: str | None
    service: str
    name: str
    start_ns: int
    end_ns: int


def read_trace(folder: Path, trace_id: str) -> list[SpanLine]:
    """Every span of `trace_id` in the folder's `*.jsonl` files (lines that do not parse are skipped:
    a file may end mid-line while a service writes it)."""
    wanted = trace_id.strip().lower()
    spans: list[SpanLine] = []
    for path in sorted(folder.glob("*.jsonl")):
        for record in _records(path):
            if record.get("trace_id") == wanted:
                spans.append(
                    SpanLine(
                        span_id=str(record["span_id"]),
                        parent_span_id=record.get("parent_span_id"),
                        service=str(record.get("service")),
                        name=str(record.get("name")),
                        start_ns=int(record.get("start_ns") or 0),
                        end_ns=int(record.get("end_ns") or 0),
                    )
                )
    return spans


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def render_tree(spans: Iterable[SpanLine]) -> list[str]:
    """One line per span: indented under its parent, then service, span name and duration, aligned.
    A span whose parent is not in the files (the caller's own) is shown as a root."""
    spans = list(spans)
    ids = {span.span_id for span in spans}
    children: dict[str | None, list[SpanLine]] = {}
    for span in spans:
        parent = span.parent_span_id if span.parent_span_id in ids else None
        children.setdefault(parent, []).append(span)
    rows: list[tuple[str, str, str]] = []

    def walk(parent: str | None, depth: int) -> None:
        for span in sorted(children.get(parent, []), key=lambda item: item.start_ns):
            milliseconds = max(span.end_ns - span.start_ns, 0) / 1_000_000
            rows.append(("  " * depth + span.service, span.name, f"{milliseconds:.2f} ms"))
            walk(span.span_id, depth + 1)

    walk(None, 0)
    if not rows:
        return []
    service_width = max(len(row[0]) for row in rows)
    name_width = max(len(row[1]) for row in rows)
    return [f"{row[0]:<{service_width}}  {row[1]:<{name_width}}  {row[2]:>10}" for row in rows]
