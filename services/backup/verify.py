"""The restored archive, checked by its own services: the search index rebuilt from the
registry (``archive reindex``'s logic), then a fixity run over every original.

Both run in the services, so the restore serves them in its own process, on a free
loopback port, every service hosted and no peer elsewhere, and drives them over HTTP as
``service:restore``: a token it signs with the restored signing key, holding the service
role (no account to check) and ``admin`` (the reindex and fixity routes ask for it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgspec

from services.app import create_app
from services.backup.models import Progress
from services.common.auth import SERVICE_ROLE, Principal, TokenCodec
from services.common.clients.ingest import IngestClient
from services.common.clients.search import SearchClient
from services.common.clock import Clock
from services.common.config import Settings
from services.common.context import Context
from services.common.contracts.registry import FixityFinding
from services.common.models import Struct
from services.common.parts import SERVICE_NAMES
from services.server import BackgroundServer, loopback_listener, url_of

RESTORE_PRINCIPAL = Principal(username="service:restore", roles=(SERVICE_ROLE, "admin"),
                              clearance="secret")
POLL_S = 0.2
TOKEN_TTL_S = 24 * 3600
S = TypeVar("S")


class Verification(Struct):
    documents_indexed: int | None
    fixity_run: str | None
    fixity_findings: list[FixityFinding]
    error: str | None
    """Why the index could not be rebuilt or the fixity run did not finish."""


async def verify_restored(settings: Settings, *, clock: Clock, progress: Progress
                          ) -> Verification:
    listener = loopback_listener()
    local = msgspec.structs.replace(settings, registry_url=None, ingest_url=None,
                                    search_url=None)
    codec = TokenCodec(local.signing_key(), ttl_s=TOKEN_TTL_S)
    url = url_of(listener)
    ctx = Context(settings=local, codec=codec, clock=clock, self_url=url,
                  hosted=SERVICE_NAMES)
    token = codec.issue(RESTORE_PRINCIPAL)
    search = SearchClient(url, name="search", service_token=lambda: token, timeout_s=120)
    ingest = IngestClient(url, name="ingest", service_token=lambda: token, timeout_s=120)
    progress.stage("starting the archive", total=None, unit="files")
    server = BackgroundServer(create_app(ctx), listener)
    await asyncio.to_thread(server.start)
    try:
        reindex = await _followed(
            await search.start_reindex(token), lambda: search.reindex_status(token),
            progress=progress, stage="rebuilding search (events)",
            running=lambda status: status.state == "running",
            done=lambda status: status.replayed)
        if reindex.state != "done":
            return Verification(documents_indexed=None, fixity_run=None, fixity_findings=[],
                                error=f"the search index was not rebuilt: {reindex.error}")
        started = await ingest.start_fixity(token)
        run = await _followed(
            started, lambda: ingest.fixity_run(token, started.run_id), progress=progress,
            stage="fixity check (documents)", running=lambda run: run.status == "running",
            done=lambda run: run.documents_checked)
    finally:
        await search.close()
        await ingest.close()
        await asyncio.to_thread(server.stop)
    return Verification(documents_indexed=reindex.documents, fixity_run=run.run_id,
                        fixity_findings=run.findings,
                        error=f"the fixity run failed: {run.error}"
                        if run.status == "failed" else None)


async def _followed(status: S, again: Callable[[], Awaitable[S]], *, progress: Progress,
                    stage: str, running: Callable[[S], bool], done: Callable[[S], int]) -> S:
    """Work the restored archive does, asked about ``again`` every ``POLL_S`` while
    ``running``, shown as ``stage`` advancing by what is ``done``; its last status."""
    progress.stage(stage, total=None, unit="files")
    counted = 0
    while running(status):
        await asyncio.sleep(POLL_S)
        status = await again()
        progress.advance(done(status) - counted)
        counted = done(status)
    return status

