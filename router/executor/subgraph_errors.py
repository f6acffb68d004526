"""Subgraph errors as the client sees them: paths rewritten to the client's response, service named.

A subgraph's `locations` point into the router's subgraph operation, so they are dropped here; the
executor gives the error the client's own locations once the whole response is merged
(`router/executor/error_locations.py`).
"""

from __future__ import annotations

from typing import Any

from router.executor.paths import ResponsePath
from router.plan.nodes import KeyRename


def client_error(
    error: Any,
    service: str,
    entity_paths: list[ResponsePath] | None = None,
    renames: tuple[KeyRename, ...] = (),
) -> dict[str, Any]:
    """A copy of a subgraph error with `extensions.serviceName`, its path in the client's response.

    `entity_paths[i]` is the response path of the object behind representation `i`; `renames` are the
    fetch's conflict aliases, given their client keys back in the path as in the data.
    """
    result: dict[str, Any] = dict(error) if isinstance(error, dict) else {"message": str(error)}
    result.setdefault("message", "Subgraph error")
    result.pop("locations", None)
    path = result.get("path")
    if isinstance(path, list):
        path = unaliased_path(path, renames)
        result["path"] = path
    if entity_paths is not None and isinstance(path, list):
        if (
            len(path) >= 2
            and path[0] == "_entities"
            and isinstance(path[1], int)
            and path[1] < len(entity_paths)
        ):
            result["path"] = [*entity_paths[path[1]], *path[2:]]
        else:
            result.pop("path")
    extensions = result.get("extensions")
    result["extensions"] = {**(extensions if isinstance(extensions, dict) else {}), "serviceName": service}
    return result


def unaliased_path(path: list[Any], renames: tuple[KeyRename, ...]) -> list[Any]:
    """A subgraph response path with the fetch's conflict aliases replaced by the client's keys.

    A rename applies at the path of the objects it is found in, written in the subgraph's keys with `@`
    for each list index, exactly as `KeyRename.path` is.
    """
    if not renames:
        return path
    keys = {(rename.path, rename.alias): rename.key for rename in renames}
    below: list[str] = []
    rewritten: list[Any] = []
    for segment in path:
        if isinstance(segment, int):
            below.append("@")
            rewritten.append(segment)
        else:
            rewritten.append(keys.get((tuple(below), str(segment)), segment))
            below.append(str(segment))
    return rewritten


def fetch_failure(service: str, message: str) -> dict[str, Any]:
    """The error reported when a subgraph request fails as a whole."""
    return {"message": message, "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": service}}
