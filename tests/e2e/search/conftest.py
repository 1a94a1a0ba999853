"""Servers for the search end-to-end tests, on each index backend.

``BACKENDS`` are Tantivy (the embedded default) and the Elasticsearch API served by
osmem-server. The official client sends the Elasticsearch compatibility media type,
which osmem refuses; ``CompatibilityProxy`` sits between them and rewrites those two
headers (as ``tests.fixtures.elasticsearch.JsonOnlyNode`` does inside the client), so
the app runs its production code unchanged: ``ARCHIVE_ELASTICSEARCH_URL`` points at the
proxy. Each server gets a fresh osmem, since every server uses the same index alias.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from osmem_server import OsmemServer

from services.server import loopback_listener, url_of
from tests.support import loopback
from tests.support.waiting import eventually

BACKENDS = ["tantivy", "elasticsearch-osmem"]
_COMPATIBLE = "; compatible-with=8"
_DROPPED_REQUEST = {b"host", b"content-length"}
_DROPPED_RESPONSE = {"content-length", "content-encoding", "transfer-encoding", "connection"}


def _plain_json(value: str) -> str:
    return value.replace("vnd.elasticsearch+", "").replace(_COMPATIBLE, "")


class CompatibilityProxy:
    """An HTTP proxy in a thread: the client's compatibility media types become plain JSON."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        listener = loopback_listener()
        self.url = url_of(listener)
        self._client: httpx.AsyncClient | None = None
        self.server = uvicorn.Server(uvicorn.Config(
            self._app, interface="asgi3", log_config=None, access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, args=([listener],),
                                       name="osmem-proxy", daemon=True)

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self._client is None:
            self._client = loopback.async_client(self.upstream, timeout=30)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(key.decode("latin-1"), _plain_json(value.decode("latin-1")))
                   for key, value in scope["headers"] if key.lower() not in _DROPPED_REQUEST]
        target = scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        answer = await self._client.request(scope["method"], target, headers=headers,
                                            content=body)
        out = [(key.encode(), value.encode()) for key, value in answer.headers.items()
               if key.lower() not in _DROPPED_RESPONSE]
        out.append((b"content-length", str(len(answer.content)).encode()))
        await send({"type": "http.response.start", "status": answer.status_code,
                    "headers": out})
        await send({"type": "http.response.body", "body": answer.content})

    def start(self) -> None:
        self.thread.start()
        eventually(lambda: self.server.started, timeout_s=10, interval_s=0.01,
                   what="the osmem proxy did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def fresh_elasticsearch() -> Iterator[Callable[[], str]]:
    """Starts a fresh osmem behind a ``CompatibilityProxy``; returns the proxy's URL."""
    started: list[tuple[OsmemServer, CompatibilityProxy]] = []

    def start() -> str:
        osmem = OsmemServer.start(addr="127.0.0.1:0")
        proxy = CompatibilityProxy(osmem.url)
        proxy.start()
        started.append((osmem, proxy))
        return proxy.url

    yield start
    for osmem, proxy in started:
        proxy.stop()
        osmem.close()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The index backend a test module runs on (each module runs once per backend)."""
    return str(request.param)


@pytest.fixture(scope="session")
def backend_settings(fresh_elasticsearch: Callable[[], str]) -> Callable[[str], dict[str, str]]:
    """Server settings (``launch_archive_server`` keywords) for a fresh index of a backend."""

    def settings(backend: str) -> dict[str, str]:
        if backend == "tantivy":
            return {}
        return {"elasticsearch_url": fresh_elasticsearch()}

    return settings

