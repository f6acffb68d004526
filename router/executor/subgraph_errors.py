"""Subgraph errors as the client sees them: paths rewritten to the client's response, service named."""

from __future__ import annotations

from typing import Any

from router.executor.paths import ResponsePath


def client_error(error: Any, service: str, entity_paths: list[ResponsePath] | None = None) -> dict[str, Any]:
    """A copy of a subgraph error with `extensions.serviceName`, and for `_entities` errors a client path.

    `entity_paths[i]` is the response path of the object behind representation `i`.
    """
    result: dict[str, Any] = dict(error) if isinstance(error, dict) else {"message": str(error)}
    result.setdefault("message", "Subgraph error")
    path = result.get("path")
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


def fetch_failure(service: str, message: str) -> dict[str, Any]:
    """The error reported when a subgraph request fails as a whole."""
    return {"message": message, "extensions": {"code": "SUBREQUEST_HTTP_ERROR", "serviceName": service}}
