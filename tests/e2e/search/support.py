"""What the search end-to-end tests share: filing, destroying and finding documents.

Documents are filed through the real ingest upload as digital PDFs (text layer, no OCR),
so the text search indexes is the text ingest extracted (``file_letters``: the query
tests), or registered as ingest files such a PDF, its page text stored where ingest keeps
it (``register_letters``: the tests of the feed, the consumer and reindexing, where an
upload's extraction would only add seconds of CPU to each test's own server).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx
from elasticsearch import AsyncElasticsearch

from services.common.contracts.registry import DocumentDestroyed, feed_document
from services.common.db import create_engine
from services.common.parts import PartName
from services.registry.store import RegistryStore
from tests.e2e.ingest.support import wait_for_job
from tests.e2e.retention.support import store_digital_page, with_store
from tests.fixtures.app import ArchiveServer, launch_archive_server
from tests.support.rendering import Script, write_digital_pdf
from tests.support.waiting import eventually

FOUND_TIMEOUT_S = 20.0
T = TypeVar("T")

_numbers = itertools.count(1)


@dataclass
class Letter:
    """A document to file: its text lines and the archivist's metadata."""

    lines: Sequence[str]
    title: str = "来函"
    household: str | None = "A-1201"
    category: str = "correspondence"
    filed_at: str = "2024-03-01"
    security: str = "ordinary"
    personal_info: bool = False
    script: Script = "simplified"
    extra: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "category": self.category, "title": self.title, "filed_at": self.filed_at,
            "security": self.security, "personal_info": self.personal_info, **self.extra}
        if self.household:
            values["household"] = self.household
        return values


def notice(word: str) -> Letter:
    """A one-line notice about ``word``: ``停水`` gives ``停水通知``, ``关于停水的通知。``."""
    return Letter(title=f"{word}通知", lines=[f"关于{word}的通知。"])


def file_letters(client: httpx.Client, directory: Path, letters: Sequence[Letter]
                 ) -> list[str]:
    """Upload every letter, then wait for their jobs; the document ids, in order."""
    jobs = []
    for letter in letters:
        # A numbered line makes every PDF's bytes (and so its SHA-256) its own.
        lines = [*letter.lines, f"编号 {next(_numbers)}"]
        path = write_digital_pdf(directory / f"letter-{next(_numbers)}.pdf", [lines],
                                 script=letter.script)
        response = client.post(
            "/ingest/documents",
            data={"metadata": json.dumps(letter.metadata(), ensure_ascii=False)},
            files={"file": (path.name, path.read_bytes(), "application/pdf")})
        assert response.status_code == 202, response.text
        jobs.append(response.json()["job_id"])
    return [_finished(client, job_id) for job_id in jobs]


def register_letters(server: ArchiveServer, letters: Sequence[Letter]) -> list[str]:
    """File every letter as ingest files a one-page digital PDF uploaded by wang: an
    original of its own bytes and the page's text (the letter's lines, then a numbered
    line) stored as ingest stores them, then the record registered through the registry's
    API with ingest's service token; the document ids, in order."""
    ids = []
    with server.client(server.service_token()) as ingest:
        for letter in letters:
            content = f"%PDF-1.7 letter {uuid.uuid4().hex}".encode()
            sha256 = hashlib.sha256(content).hexdigest()
            text = "\n".join([*letter.lines, f"编号 {next(_numbers)}"])
            with_store(server.settings, partial(store_digital_page, content=content, text=text))
            response = ingest.post("/registry/documents", json={
                **letter.metadata(), "sha256": sha256, "media_type": "application/pdf",
                "size_bytes": len(content), "pages": 1, "filed_by": "wang"})
            assert response.status_code == 201, response.text
            ids.append(str(response.json()["document_id"]))
    return ids


def _finished(client: httpx.Client, job_id: str) -> str:
    job = wait_for_job(client, job_id)
    assert job["status"] == "done", job
    return str(job["document_id"])


def search(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/search/documents", params={"size": 100, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def found_ids(client: httpx.Client, **params: Any) -> set[str]:
    return {hit["document_id"] for hit in search(client, **params)["hits"]}


def wait_until_found(client: httpx.Client, expected: set[str], **params: Any) -> set[str]:
    """Poll the search until it answers exactly ``expected`` (the consumer catches up)."""
    seen: set[str] = set()

    def probe() -> bool:
        nonlocal seen
        seen = found_ids(client, **params)
        return seen == expected

    try:
        eventually(probe, timeout_s=FOUND_TIMEOUT_S, interval_s=0.05)
    except AssertionError:
        raise AssertionError(f"search {params} found {seen}, expected {expected}") from None
    return seen


def destroy(server: ArchiveServer, document_id: str) -> None:
    """Destroy a document through the registry's own catalogue code (R6): the record is
    marked destroyed and ``document_destroyed`` appended to the feed in one transaction,
    as the destruction route will once it exists."""

    async def run() -> None:
        engine = create_engine(server.settings.database_url_for("registry"), pool_size=1)
        try:
            now = datetime.now(UTC)
            async with RegistryStore(engine).transaction() as tx:
                record = await tx.documents.mark_destroyed(document_id, at=now)
                await tx.journal.emit(DocumentDestroyed(document=feed_document(record),
                                                        destroyed_at=now), at=now)
        finally:
            await engine.dispose()

    asyncio.run(run())


def readiness(client: httpx.Client) -> dict[str, str]:
    checks: dict[str, str] = client.get("/ready").json()["checks"]
    return checks


def launch_services(root: Path, hosted: tuple[PartName, ...], **overrides: str
                    ) -> ArchiveServer:
    """Serve only ``hosted`` (scale-out style), data under ``root``, as
    ``launch_archive_server`` does (its settings: tokens from one server are good on the
    other)."""
    return launch_archive_server(root, hosted=hosted, **overrides)


async def lose_index(directory: Path, client: AsyncElasticsearch | None, alias: str) -> None:
    """Lose a running archive's index as an operator or a restarted server does: Tantivy's
    ``directory`` deleted, or (``client`` given) every ``<alias>-v*`` index deleted
    through the Elasticsearch API, the alias with them."""
    if client is None:
        shutil.rmtree(directory)
        return
    async with client:
        names = (await client.indices.get(index=f"{alias}-v*", allow_no_indices=True)).body
        for name in names:
            await client.indices.delete(index=name)


def lose_server_index(server: ArchiveServer) -> None:
    """``lose_index`` of a server launched with ``launch_services``."""
    settings = server.settings
    client = (AsyncElasticsearch(settings.elasticsearch_url) if settings.elasticsearch_url
              else None)
    asyncio.run(lose_index(settings.data_dir / "index", client, settings.elasticsearch_index))


def remove_server_alias(server: ArchiveServer) -> dict[str, set[str]]:
    """Remove the Elasticsearch alias of a server launched with ``launch_services`` and keep
    the index it was on, as an operator or a failed migration does; ``server_indices``
    before the removal."""

    async def remove(client: AsyncElasticsearch, alias: str) -> None:
        async with client:
            held = (await client.indices.get_alias(name=alias)).body
            await client.indices.update_aliases(actions=[
                {"remove": {"index": name, "alias": alias}} for name in held])

    before = server_indices(server)
    settings = server.settings
    assert settings.elasticsearch_url
    asyncio.run(remove(AsyncElasticsearch(settings.elasticsearch_url),
                       settings.elasticsearch_index))
    return before


def server_indices(server: ArchiveServer) -> dict[str, set[str]]:
    """The ``<alias>-v*`` indices on a server's Elasticsearch: name → the aliases on it."""

    async def indices(client: AsyncElasticsearch, alias: str) -> dict[str, set[str]]:
        async with client:
            found = (await client.indices.get(index=f"{alias}-v*", allow_no_indices=True)).body
        return {name: set(body.get("aliases") or {}) for name, body in found.items()}

    settings = server.settings
    assert settings.elasticsearch_url
    return asyncio.run(indices(AsyncElasticsearch(settings.elasticsearch_url),
                               settings.elasticsearch_index))
