"""`python -m rest_compat`: serve the REST layer with the settings from `GOCART_REST_*`."""

from __future__ import annotations

import uvicorn

from observability.startup_heap import freeze_once_started
from rest_compat.access_log import configure_logging
from rest_compat.app import create_app
from rest_compat.config import RestSettings


def main() -> None:
    settings = RestSettings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    uvicorn.run(
        freeze_once_started(create_app(settings)),
        host=settings.host,
        port=settings.port,
        log_config=None,  # uvicorn's own lines go through `configure_logging`'s handler too
        # The app resolves client addresses itself, from its own trusted-proxies list.
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
