"""Merging subgraph results into the response being assembled."""

from __future__ import annotations

from typing import Any


def deep_merge(
    target: dict[str, Any], source: dict[str, Any], interfaces: frozenset[str] = frozenset()
) -> None:
    """Merge `source` into `target` in place; objects and equal-length lists merge element by element.

    A known concrete `__typename` is kept: an `@interfaceObject` subgraph answers with the interface's
    name (one of `interfaces`), which only ever gets replaced by the concrete name, never the reverse.
    """
    for key, value in source.items():
        existing = target.get(key)
        if key == "__typename" and existing is not None and existing not in interfaces:
            continue
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value, interfaces)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            for index, (old, new) in enumerate(zip(existing, value, strict=True)):
                if isinstance(old, dict) and isinstance(new, dict):
                    deep_merge(old, new, interfaces)
                else:
                    existing[index] = new
        else:
            target[key] = value
