"""`create_app(settings)`: the REST compatibility layer, a client of the GraphQL router.

Every route runs a named GraphQL operation against the router (it imports no subgraph code) and maps
the answer to the documented status codes. Every error is a JSON body `{"error": "..."}`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from observability.instrumentation import client_trace_configs, trace_requests
from observability.tracing import start_tracing
from rest_compat.access_log import AccessLog
from rest_compat.api.methods import AnswerOptions, allow_header
from rest_compat.api.routes import orders, products, users
from rest_compat.client import RouterClient
from rest_compat.config import RestSettings
from rest_compat.docs_pages import add_docs_pages
from rest_compat.errors import ApiError
from rest_compat.metrics import METRICS_PATH, RestMetrics, RestMetricsMiddleware, metrics_endpoint

SERVICE_NAME = "gocart-rest"

DESCRIPTION = """
The documented CRUD endpoints of Gocart's original REST API, served from the GraphQL supergraph.
Send the token from `POST /users/login` as `Authorization: Bearer <token>`. Every error is a JSON body
`{"error": "..."}` with the documented status code.
"""


def openapi_document() -> str:
    """The OpenAPI document as served at /openapi.json (a copy is checked in as docs/openapi.json)."""
    return json.dumps(create_app(RestSettings()).openapi(), indent=2, sort_keys=True) + "\n"


def create_app(settings: RestSettings) -> FastAPI:
    tracing = start_tracing(settings.tracing, SERVICE_NAME)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=settings.router_timeout_seconds)
        trace_configs = client_trace_configs(tracing) or None  # the call to the router carries `traceparent`
        async with aiohttp.ClientSession(timeout=timeout, trace_configs=trace_configs) as session:
            secret = settings.router_proxy_secret
            app.state.router = RouterClient(
                session, settings.router_url, proxy_secret=secret.get_secret_value() if secret else None
            )
            yield
        tracing.shutdown()

    app = FastAPI(
        title="Gocart REST API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,  # served from packaged assets below, not a CDN
        redoc_url=None,
    )
    add_docs_pages(app, openapi_url="/openapi.json", title=app.title)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        headers = error.headers(unavailable_retry_after_seconds=settings.unavailable_retry_after_seconds)
        return JSONResponse(error.body(), status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(part) for part in problem["loc"][1:]), "message": problem["msg"]}
            for problem in error.errors()
        ]
        return JSONResponse({"error": "The request is invalid.", "details": problems}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = allow_header(app.router.routes, request.scope)
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=headers)

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    metrics = RestMetrics()
    app.state.metrics = metrics
    app.add_api_route(METRICS_PATH, metrics_endpoint, methods=["GET"], include_in_schema=False)

    for module in (products, users, orders):
        app.include_router(module.router)
    app.add_middleware(AnswerOptions)
    if settings.trusted_proxies:
        # Behind trusted proxies, `request.client` is the right-most untrusted X-Forwarded-For hop.
        trusted = [str(network) for network in settings.trusted_proxies]
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    app.add_middleware(RestMetricsMiddleware, metrics=metrics)
    app.add_middleware(AccessLog)  # the outermost but one, so it sees every answer
    trace_requests(app, tracing)  # outermost: the access line carries the request's trace id
    return app
