"""Running the app: uvicorn in the foreground (``archive serve``) or in a thread (tests).

Both paths run the services' start-up first, outside the ASGI lifespan, so a failure
surfaces as an ``ArchiveError`` and the server never answers half-started.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

import uvicorn

from services.common.errors import ConfigError, DependencyUnavailable

if TYPE_CHECKING:  # the app loads every service: 'archive serve' checks its port first
    from services.app import ArchiveApp


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"{host}:{port} is taken ({exc.strerror}); stop what runs there "
                              "or choose another with --port", code="port_taken") from exc


# Longer than a fronting proxy keeps its idle upstream connections (nginx's and most load
# balancers' 60 s), so the server is never the side that closes one a client is reusing.
KEEP_ALIVE_S = 75


def build_server(app: ArchiveApp, host: str, port: int, *,
                 trusted_proxies: str = "127.0.0.1") -> uvicorn.Server:
    """``trusted_proxies`` (``ARCHIVE_TRUSTED_PROXIES``): addresses whose
    ``X-Forwarded-For`` names the client (logins are throttled per client address) and
    whose ``X-Forwarded-Proto`` says the request came over https (the pages' cookies are
    then ``__Host-`` and Secure: ``services/web/cookies.py``)."""
    return uvicorn.Server(uvicorn.Config(
        app.asgi, host=host, port=port, log_config=None, access_log=False, lifespan="off",
        timeout_graceful_shutdown=5, timeout_keep_alive=KEEP_ALIVE_S, proxy_headers=True,
        forwarded_allow_ips=trusted_proxies))


async def serve(app: ArchiveApp, server: uvicorn.Server, *,
                on_started: Callable[[], object] | None = None,
                listener: socket.socket | None = None) -> None:
    """Start the services, serve until told to stop (SIGTERM, SIGINT), then shut the
    services down, as after a start that failed. ``on_started`` is called once the server
    listens, its services started; ``listener``: a socket bound already (the server binds
    its host and port otherwise)."""
    try:
        await app.startup()
        if on_started is not None:
            asyncio.get_running_loop().call_soon(_when_started, server, on_started)
        with _stopping_signals_kept():
            await server.serve(sockets=None if listener is None else [listener])
    finally:
        await app.shutdown()


@contextmanager
def _stopping_signals_kept() -> Iterator[None]:
    """uvicorn, stopped by SIGTERM or SIGINT, raises the signal again once it has stopped
    serving, for the handler it found: Python's, which for SIGTERM ends the process there
    and then, so the services never shut down (their extraction processes were left to
    notice on their own, jobs in hand were not handed back, the audit head not anchored),
    and for SIGINT cancels the shut-down at its first wait. Found a handler that does
    nothing, the shut-down runs (the signals' own handlers back), and the process ends
    with status 0. Signals are handled on the main thread only (a server in a thread of
    the tests has none to keep)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = (signal.SIGTERM, signal.SIGINT)
    found = {signum: signal.signal(signum, _already_stopping) for signum in stopping}
    try:
        yield
    finally:
        for signum, handler in found.items():
            signal.signal(signum, handler)


def _already_stopping(signum: int, frame: FrameType | None) -> None:
    """The server stopped (or is stopping) for this signal; the shut-down follows."""


def _when_started(server: uvicorn.Server, then: Callable[[], object]) -> None:
    if server.started:
        then()
    else:
        asyncio.get_running_loop().call_later(0.01, _when_started, server, then)


def loopback_listener(port: int = 0) -> socket.socket:
    """A socket bound to loopback ``port`` (0: a free one), for a server in this process.
    Held from here on: a port found free and bound later can be taken in between (another
    server, or any connection's own port), and the server then fails to start."""
    # Named TCP: asyncio turns Nagle's algorithm off only on a socket whose protocol says
    # so, and a plain socket() says 0; with it on, every response on a kept-alive
    # connection waited 40 ms for the client's delayed acknowledgement.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", port))
    return sock


def url_of(listener: socket.socket) -> str:
    host, port = listener.getsockname()[:2]
    return f"http://{host}:{port}"


class BackgroundServer:
    """The app on its own event loop in a daemon thread, on ``listener`` (from
    ``loopback_listener``, closed when the server stops); for tests and tools.
    ``trusted_proxies`` as ``build_server`` takes it."""

    def __init__(self, app: ArchiveApp, listener: socket.socket, *,
                 trusted_proxies: str = "127.0.0.1") -> None:
        self.app = app
        self.listener = listener
        host, port = listener.getsockname()[:2]
        self.server = build_server(app, host, port, trusted_proxies=trusted_proxies)
        self.started = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="archive-server", daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(serve(self.app, self.server, on_started=self.started.set,
                              listener=self.listener))
        except BaseException as exc:  # handed over to the thread that waits in start()
            self.error = exc
        finally:
            self.listener.close()

    def start(self, *, timeout_s: float = 60.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.started.wait(0.02):
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise DependencyUnavailable(f"the server did not start: {self.error!r}",
                                            code="server_start_failed")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
