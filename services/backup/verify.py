"""The restored archive, checked by its own services: the search index rebuilt from the
registry (``archive reindex``'s logic), then a fixity run over every original.

Both run in the services, so the restore serves them in its own process, on a free
loopback port, every service hosted and no peer elsewhere, and drives them over HTTP as
``service:restore``: a token it signs with the restored signing key, holding the service
role (no account to check) and ``admin`` (the reindex and fixity routes ask for it).
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import msgspec

from services.app import create_app
from services.backup.models import Progress
from services.common.auth import SERVICE_ROLE, Principal, TokenCodec
from services.common.clients import error_from
from services.common.clock import Clock
from services.common.config import Settings
from services.common.context import SERVICE_NAMES, Context
from services.common.models import Struct
from services.server import BackgroundServer

RESTORE_PRINCIPAL = Principal(username="service:restore", roles=(SERVICE_ROLE, "admin"),
                              clearance="secret")
POLL_S = 0.2
TOKEN_TTL_S = 24 * 3600


class Verification(Struct):
    documents_indexed: int | None
    fixity_run: str | None
    fixity_findings: list[dict[str, Any]]
    error: str | None
    """Why the index could not be rebuilt or the fixity run did not finish."""


async def verify_restored(settings: Settings, *, clock: Clock, progress: Progress
                          ) -> Verification:
    port = _free_port()
    local = msgspec.structs.replace(settings, registry_url=None, ingest_url=None,
                                    search_url=None)
    codec = TokenCodec(local.signing_key(), ttl_s=TOKEN_TTL_S)
    url = f"http://127.0.0.1:{port}"
    ctx = Context(settings=local, codec=codec, clock=clock, self_url=url,
                  hosted=SERVICE_NAMES)
    progress.stage("starting the restored archive", total=None, unit="files")
    server = BackgroundServer(create_app(ctx), "127.0.0.1", port)
    await asyncio.to_thread(server.start)
    try:
        headers = {"Authorization": f"Bearer {codec.issue(RESTORE_PRINCIPAL)}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as http:
            reindex = await _reindex(http, progress)
            if reindex["state"] != "done":
                return Verification(documents_indexed=None, fixity_run=None,
                                    fixity_findings=[],
                                    error=f"the search index was not rebuilt: "
                                          f"{reindex.get('error')}")
            run = await _fixity(http, progress)
    finally:
        await asyncio.to_thread(server.stop)
    return Verification(documents_indexed=reindex.get("documents"), fixity_run=run["run_id"],
                        fixity_findings=run["findings"],
                        error=f"the fixity run failed: {run['error']}"
                        if run["status"] == "failed" else None)


async def _reindex(http: httpx.AsyncClient, progress: Progress) -> dict[str, Any]:
    status = await _json(http, "POST", "/search/reindex")
    progress.stage("rebuilding the search index (change feed events)", total=None,
                   unit="files")
    done = 0
    while status["state"] == "running":
        await asyncio.sleep(POLL_S)
        status = await _json(http, "GET", "/search/reindex")
        progress.advance(status["replayed"] - done)
        done = status["replayed"]
    return status


async def _fixity(http: httpx.AsyncClient, progress: Progress) -> dict[str, Any]:
    run = await _json(http, "POST", "/ingest/fixity")
    progress.stage("checking fixity (documents)", total=None, unit="files")
    done = 0
    while run["status"] == "running":
        await asyncio.sleep(POLL_S)
        run = await _json(http, "GET", f"/ingest/fixity/{run['run_id']}")
        progress.advance(run["documents_checked"] - done)
        done = run["documents_checked"]
    return run


async def _json(http: httpx.AsyncClient, method: str, path: str) -> dict[str, Any]:
    response = await http.request(method, path)
    if response.status_code >= 400:
        raise error_from(response, "restored archive")
    body: dict[str, Any] = response.json()
    return body


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
