"""What the backup tests share: the ``archive`` command run as a user runs it, an archive's
settings as its environment, documents filed while a backup runs, and reading an archive
back over HTTP to compare it with another."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import msgspec

from services.common.objectstore import ObjectStore
from services.ingest.extraction.previews import PagePreview
from services.ingest.models import previews_key
from services.ingest.previews import MANIFEST_CONTENT_TYPE
from tests.e2e.ingest.support import upload, wait_for_job
from tests.e2e.retention.support import store_digital_page, with_store
from tests.fixtures.app import ArchiveServer
from tests.support.processes import ARCHIVE, clean_environment, setting_variables
from tests.support.rendering import LINES, write_digital_pdf

CLI_TIMEOUT_S = 300


def environment(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without its ``ARCHIVE_*``, with ``settings`` instead."""
    return clean_environment(setting_variables(settings))


def archive_cli(settings: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    """``archive …`` in a process of its own, configured by ``settings``."""
    return subprocess.run([*ARCHIVE, *arguments],
                          env=environment(settings), capture_output=True, text=True,
                          timeout=CLI_TIMEOUT_S, check=False)


def start_cli(settings: dict[str, str], *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*ARCHIVE, *arguments],
                            env=environment(settings), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def letter(directory: Path, number: int) -> Path:
    """A digital PDF (its text layer read without OCR) of its own bytes."""
    return write_digital_pdf(directory / f"letter-{number:04d}.pdf",
                             [[*LINES["simplified"][:2], f"第{number}号来函"]])


@dataclass
class Filing:
    """Files letters one after another in a thread, until ``stop``."""

    client: httpx.Client
    directory: Path
    job_ids: list[str] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None

    def run(self) -> None:
        number = 0
        try:
            while not self.stopping.is_set():
                number += 1
                meta = {"household": "A-1502", "category": "correspondence",
                        "title": f"第二批来函{number}", "filed_at": "2024-06-01"}
                response = upload(self.client, letter(self.directory, number), meta)
                response.raise_for_status()
                self.job_ids.append(response.json()["job_id"])
                if number >= 2:
                    self.started.set()
        except BaseException as exc:  # handed to the test thread by ``filing``
            self.failure = exc
            self.started.set()

    def finished_jobs(self) -> list[dict[str, Any]]:
        return [wait_for_job(self.client, job_id) for job_id in self.job_ids]


@contextmanager
def filing(client: httpx.Client, directory: Path) -> Iterator[Filing]:
    """Letters being filed throughout the block (two acknowledged before it starts)."""
    directory.mkdir(parents=True, exist_ok=True)
    batch = Filing(client=client, directory=directory)
    thread = threading.Thread(target=batch.run, name="second-batch", daemon=True)
    thread.start()
    batch.started.wait(120)
    try:
        yield batch
    finally:
        batch.stopping.set()
        thread.join(120)
    if batch.failure is not None:
        raise batch.failure


def all_pages(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a listing paged by ``limit``/``offset``."""
    items: list[dict[str, Any]] = []
    while True:
        response = client.get(path, params={**params, "limit": 1000, "offset": len(items)})
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page)
        if len(page) < 1000:
            return items


def audit_entries(client: httpx.Client) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    while True:
        after = entries[-1]["seq"] if entries else 0
        response = client.get("/registry/audit/", params={"after_seq": after, "limit": 1000})
        assert response.status_code == 200, response.text
        page = response.json()
        entries.extend(page)
        if len(page) < 1000:
            return entries


def search_hits(client: httpx.Client, query: str) -> set[str]:
    response = client.get("/search/documents", params={"q": query, "size": 100})
    assert response.status_code == 200, response.text
    return {hit["document_id"] for hit in response.json()["hits"]}


def latest_generation(backup: Path) -> str:
    return str(json.loads((backup / "latest.json").read_text())["generation"])


def file_directly(server: ArchiveServer, number: int, *, size: int = 4096,
                  text: str = "业主来函询问停车位") -> dict[str, Any]:
    """A document of ``size`` bytes of its own, its original, page text and list of page
    images stored as ingest stores them for a text-layer page (its images made on first
    view), then registered, without extraction: archives too big to OCR here."""
    content = (f"%PDF-1.7 letter {number}\n".encode() + os.urandom(size))[:size]
    sha256 = hashlib.sha256(content).hexdigest()

    async def store(objects: ObjectStore) -> None:
        await store_digital_page(objects, content, f"{text} 第{number}号")
        listed = PagePreview(number=1, width=1200, height=1697, source_width=595,
                             source_height=842, on_view=True)
        await objects.put_bytes(previews_key(sha256), msgspec.json.encode(listed) + b"\n",
                                content_type=MANIFEST_CONTENT_TYPE)

    with_store(server.settings, store)
    with server.client(server.service_token()) as client:
        response = client.post("/registry/documents", json={
            "sha256": sha256, "household": "A-1201", "category": "correspondence",
            "title": f"来函{number}", "filed_at": "2024-03-01",
            "media_type": "application/pdf", "size_bytes": size, "pages": 1,
            "filed_by": "wang"})
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document
