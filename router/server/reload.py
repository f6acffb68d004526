"""Supergraph hot reload: the router reads its supergraph file again when the file changes or on SIGHUP,
and serves the new supergraph once it parses and passes the smoke check (router/server/smoke.py); a
supergraph that does not is refused with a one-line reason and the old one keeps serving.

Applying builds a whole new `Gateway` (planner, empty plan cache, executor with the subgraph URLs of the
new supergraph) around the same fetcher and HTTP session, and swaps `app.state.gateway`: a request holds
the gateway it started with until it is answered, so in-flight requests finish on the old supergraph.

The file is polled (one `stat` per `poll_seconds`, then a sha256 of the content when the stat changed)
rather than watched with inotify through `watchfiles`: the router watches a single file, and where it
runs that file is replaced in ways file events miss or report on another path (a Kubernetes ConfigMap
swaps a `..data` symlink, deploy tools and editors rename a new inode over it, bind mounts from macOS
or Windows hosts deliver no events; watchfiles needs `force_polling` there anyway). A stat every few
seconds follows the path whatever happened to it, costs next to nothing and needs no native watcher
backend; the content hash then decides, so touching the file reloads nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Literal

from starlette.applications import Starlette

from router.config import RouterSettings
from router.gateway import Gateway
from router.metrics import RouterMetrics
from router.server.smoke import SmokeCheckFailed, smoke_check
from router.supergraph import Supergraph, parse_supergraph

logger = logging.getLogger(__name__)

Outcome = Literal["applied", "refused", "unchanged"]
BuildGateway = Callable[[Supergraph], Gateway]
ServeGateway = Callable[[Gateway, str], None]
FileSignature = tuple[int, int, int] | None
_NOT_SEEN: FileSignature = (-1, -1, -1)
_RACY_NANOSECONDS = 2_000_000_000


def supergraph_digest(source: bytes) -> str:
    """The sha256 of the supergraph file, as `sha256sum` prints it."""
    return hashlib.sha256(source).hexdigest()


def short_digest(digest: str) -> str:
    """The first 12 hex digits: what logs and `/health` show (`sha256sum FILE | cut -c1-12`)."""
    return digest[:12]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _signature(path: Path) -> FileSignature:
    """What a poll compares: modification time, size and inode (None while the file is missing)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def _settled(signature: FileSignature) -> bool:
    return signature is None or time.time_ns() - signature[0] > _RACY_NANOSECONDS


class SupergraphRefused(Exception):
    """A reload that does not apply; the message is the one-line reason logged."""


class SupergraphReloader:
    """Reloads one supergraph file into new gateways, one reload at a time."""

    def __init__(
        self,
        path: Path,
        build: BuildGateway,
        serve: ServeGateway,
        metrics: RouterMetrics,
        digest: str,
    ) -> None:
        self.path = path
        self.digest = digest
        self._build = build
        self._serve = serve
        self._metrics = metrics
        self._lock = asyncio.Lock()
        self._requested = asyncio.Event()
        # Nothing seen yet, so the first poll hashes the file once: a change between the startup read and
        # the first stat is not missed.
        self._seen: FileSignature = _NOT_SEEN
        self._refused_digest: str | None = None

    def request(self) -> None:
        """Ask the watcher for a reload (what SIGHUP does); requests during a reload coalesce into one."""
        self._requested.set()

    async def reload(self, trigger: str, *, force: bool = True) -> Outcome:
        """Read the file and apply it if it passes. Without `force` a content already loaded, or already
        refused, is left alone (what polling wants); with it the file is rebuilt and checked again."""
        async with self._lock:
            try:
                source = await asyncio.to_thread(self.path.read_bytes)
            except OSError as error:
                return self._refuse(trigger, f"cannot read {self.path}: {error.strerror or error}")
            digest = supergraph_digest(source)
            if not force and digest in (self.digest, self._refused_digest):
                return "unchanged"
            try:
                gateway = await asyncio.to_thread(self._candidate, source)
            except SupergraphRefused as refusal:
                self._refused_digest = digest
                return self._refuse(trigger, str(refusal))
            self._serve(gateway, digest)
            self.digest, self._refused_digest = digest, None
            self._metrics.supergraph_reloads.labels("applied").inc()
            logger.info(
                "supergraph reload applied (%s): %s, sha256 %s, plan cache emptied",
                trigger,
                self.path,
                short_digest(digest),
            )
            return "applied"

    def _candidate(self, source: bytes) -> Gateway:
        """The gateway the new supergraph would serve with; raises `SupergraphRefused` if it would not."""
        try:
            supergraph = parse_supergraph(source.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise SupergraphRefused(f"not UTF-8 text: {error}") from error
        except Exception as error:  # whatever the parser trips over refuses the file, never the router
            raise SupergraphRefused(_one_line(str(error)) or type(error).__name__) from error
        try:
            gateway = self._build(supergraph)
            smoke_check(supergraph.api_schema, gateway.planner)
        except SmokeCheckFailed as error:
            raise SupergraphRefused(_one_line(str(error))) from error
        except Exception as error:  # a supergraph no gateway can be built for is refused the same way
            raise SupergraphRefused(
                f"no gateway for it: {type(error).__name__}: {_one_line(str(error))}"
            ) from error
        return gateway

    def _refuse(self, trigger: str, reason: str) -> Outcome:
        self._metrics.supergraph_reloads.labels("refused").inc()
        logger.warning(
            "supergraph reload refused (%s): %s; still serving sha256 %s",
            trigger,
            reason,
            short_digest(self.digest),
        )
        return "refused"

    async def poll(self) -> Outcome:
        """One poll: reload when the file's stat changed and its content differs from what was tried."""
        signature = await asyncio.to_thread(_signature, self.path)
        if signature == self._seen:
            return "unchanged"
        # A file modified within the timestamp granularity could change again with the same stat, so it is
        # hashed again on the next poll until its stat is old enough to trust (git's "racy clean" rule).
        self._seen = signature if _settled(signature) else _NOT_SEEN
        return await self.reload("poll", force=False)

    async def watch(self, poll_seconds: float) -> None:
        """Poll every `poll_seconds`, and reload at once when `request` was called; runs until cancelled."""
        while True:
            try:
                await asyncio.wait_for(self._requested.wait(), poll_seconds)
            except TimeoutError:
                requested = False
            else:
                self._requested.clear()
                requested = True
            try:
                await (self.reload("sighup") if requested else self.poll())
            except Exception:
                logger.exception("supergraph reload failed unexpectedly; still serving the old one")


def listen_for_sighup(callback: Callable[[], None]) -> Callable[[], None] | None:
    """Call `callback` on SIGHUP; the function that stops it, or None where no handler can be installed.

    Only the main thread's loop can own a signal, so an app served from another thread (tests, embedding)
    goes without and relies on polling. uvicorn owns SIGINT and SIGTERM, not SIGHUP.
    """
    sighup = getattr(signal, "SIGHUP", None)
    if sighup is None or threading.current_thread() is not threading.main_thread():
        return None
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(sighup, callback)
    except (NotImplementedError, RuntimeError, ValueError):
        return None

    def stop() -> None:
        loop.remove_signal_handler(sighup)

    return stop


@asynccontextmanager
async def hot_reload(
    app: Starlette, settings: RouterSettings, metrics: RouterMetrics, build: BuildGateway
) -> AsyncIterator[SupergraphReloader | None]:
    """While open, keep `app.state.gateway` on the newest good supergraph (when hot reload is enabled).

    `app.state.gateway` and `app.state.supergraph_sha256` must hold the supergraph loaded at startup.
    """
    if not settings.hot_reload.enabled:
        yield None
        return

    def serve(gateway: Gateway, digest: str) -> None:
        app.state.gateway = gateway
        app.state.supergraph_sha256 = digest

    reloader = SupergraphReloader(settings.supergraph, build, serve, metrics, app.state.supergraph_sha256)
    stop_listening = listen_for_sighup(reloader.request)
    watcher = asyncio.create_task(reloader.watch(settings.hot_reload.poll_seconds), name="supergraph-watch")
    app.state.reloader = reloader
    try:
        yield reloader
    finally:
        app.state.reloader = None
        if stop_listening is not None:
            stop_listening()
        watcher.cancel()
        with suppress(asyncio.CancelledError):
            await watcher
