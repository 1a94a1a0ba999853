"""What the retention end-to-end tests share: a server at a fixed time on each backend,
its people, documents whose original, page text and page preview are in the object
store, and the steps of a sweep through to destruction, over HTTP."""

from __future__ import annotations

import asyncio
import atexit
import functools
import hashlib
import itertools
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import msgspec
from PIL import Image, ImageDraw, ImageFont

from services.common.clock import FixedClock, SystemClock
from services.common.config import Settings
from services.common.db import create_engine
from services.common.objectstore import ObjectInfo, ObjectStore, open_object_store, original_key
from services.ingest.extraction import PageText, PreviewWriter
from services.ingest.models import pages_key
from services.ingest.previews import DerivedPreviews
from services.registry.accounts.models import NewUser
from services.registry.bootstrap import RegistryServices
from tests.fixtures.app import PASSWORD, ArchiveServer
from tests.support.rendering import NOTO_SANS_CJK
from tests.support.waiting import eventually

START = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
"""Ahead of the real date, so due dates in the test's past are still real future dates."""
WAIT_S = 30.0
T = TypeVar("T")

# username: roles, department
PEOPLE: dict[str, tuple[tuple[str, ...], str]] = {
    "qian": (("compliance",), "archive"),
    "zhou": (("manager",), "customer_service"),
    "zhao": (("director",), "management"),
    "wang": (("archivist",), "archive"),
    "sun": (("archivist",), "archive"),
    "li": (("staff",), "customer_service"),
}

_numbers = itertools.count(1)


def with_store(settings: Settings, work: Callable[[ObjectStore], Awaitable[T]]) -> T:
    """Run ``work`` on a store opened for this call (a store binds to its event loop)."""

    async def run() -> T:
        return await work(open_object_store(settings))

    return asyncio.run(run())


@functools.cache
def _preview_font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(NOTO_SANS_CJK, 48)


def _preview(title: str, text: str | None) -> Image.Image:
    """A page's preview that shows what the page is (its title and text, as a letter
    would), so that a screenshot of the page shows a scan and not a white box."""
    page = Image.new("L", (1400, 2000), 255)
    font = _preview_font()
    lines = [title[start:start + 24] for start in range(0, len(title), 24)]
    ImageDraw.Draw(page).multiline_text((150, 200), "\n".join([*lines, "", text or ""]),
                                        font=font, fill=0, spacing=24)
    return page


@functools.cache
def _written_preview(title: str, text: str | None) -> Path:
    """A directory holding the page preview of ``title`` and ``text`` as ingest writes
    it, made once per test process: its WebP encoding takes some 60 ms of CPU, and most
    documents a test files share their title and text."""
    directory = Path(tempfile.mkdtemp(prefix="archive-preview-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    with PreviewWriter(directory) as writer:
        writer.write(1, _preview(title, text))
    return directory


async def store_digital_page(objects: ObjectStore, content: bytes, text: str | None) -> None:
    """A one-page digital PDF's original and its page's text (none for ``text`` None:
    nothing was extracted), where ingest stores them."""
    sha256 = hashlib.sha256(content).hexdigest()
    await objects.put_bytes(original_key(sha256), content, content_type="application/pdf")
    if text is not None:
        page = PageText(number=1, text=text, confidence=100.0, method="text_layer",
                        language=None, words=(), needs_review=False)
        await objects.put_bytes(pages_key(sha256), msgspec.json.encode(page) + b"\n",
                                content_type="application/x-ndjson")


def head(settings: Settings, key: str) -> ObjectInfo | None:
    return with_store(settings, lambda store: store.head(key))


def locked_original(settings: Settings, sha256: str, *, until: datetime | None = None
                    ) -> ObjectInfo:
    """The original once it is locked (until ``until`` or later, when given): ingest's
    follower locks a filed original a moment after filing."""
    def locked() -> ObjectInfo | None:
        info = head(settings, original_key(sha256))
        if info is None or info.retain_until is None:
            return None
        return info if until is None or info.retain_until >= until else None

    return eventually(locked, timeout_s=WAIT_S, interval_s=0.2,
                      what=f"the original {sha256} was not locked until {until or 'a date'}")


async def _add_people(settings: Settings) -> None:
    """``PEOPLE`` (with ``PASSWORD``) on the registry database of a running server, as
    ``archive user add`` adds a user, over one connection (``add_user`` checks the
    database's migrations for every user: most of a server's start-up again, six times)."""
    engine = create_engine(settings.database_url_for("registry"), pool_size=1)
    try:
        accounts = RegistryServices.from_settings(
            settings, engine, SystemClock(settings.time_zone)).accounts
        for username, (roles, department) in PEOPLE.items():
            await accounts.create_user(NewUser(
                username=username, roles=list(roles),  # type: ignore[arg-type]
                clearance="secret", department=department,  # type: ignore[arg-type]
                password=PASSWORD))
    finally:
        await engine.dispose()


@dataclass
class Archive:
    """A server at ``clock``, with ``PEOPLE`` signed in."""

    server: ArchiveServer
    clock: FixedClock

    @classmethod
    def open(cls, server: ArchiveServer, clock: FixedClock) -> Archive:
        asyncio.run(_add_people(server.settings))
        for username in PEOPLE:
            server.login(username)
        return cls(server=server, clock=clock)

    def as_(self, username: str) -> httpx.Client:
        return self.server.client(self.server.tokens[username])

    def file(self, *, title: str = "卫生间漏水维修记录", text: str | None = "业主报修卫生间漏水",
             content: bytes | None = None, **fields: Any) -> dict[str, Any]:
        """Store an original (``content``, or a few bytes of its own), its page text (none
        for ``text`` None: nothing was extracted) and page preview as ingest does, then
        register it."""
        number = next(_numbers)
        content = content or f"%PDF-1.7 scan {number} {time.time_ns()}".encode()
        sha256 = hashlib.sha256(content).hexdigest()

        async def store(objects: ObjectStore) -> None:
            await store_digital_page(objects, content,
                                     None if text is None else f"{text} 编号{number}")
            await DerivedPreviews(objects).save(sha256, _written_preview(title, text))

        with_store(self.server.settings, store)
        body = {"sha256": sha256, "household": "A-1201", "category": "repair",
                "title": title, "filed_at": "2015-03-01", "media_type": "application/pdf",
                "size_bytes": len(content), "pages": 1, "filed_by": "wang", **fields}
        with self.server.client(self.server.service_token()) as client:
            response = client.post("/registry/documents", json=body)
        assert response.status_code == 201, response.text
        document: dict[str, Any] = response.json()
        return document

    def sweep(self, **body: Any) -> dict[str, Any]:
        with self.as_("qian") as client:
            response = client.post("/registry/sweeps", json=body)
        assert response.status_code in (200, 201), response.text
        sweep: dict[str, Any] = response.json()
        return sweep

    def approved(self, documents: list[dict[str, Any]], decision: str = "destroy",
                 **details: Any) -> dict[str, Any]:
        """A sweep of what is due; ``documents`` appraised ``decision`` by a manager and
        the compliance officer; approved by the director."""
        sweep = self.sweep()
        for document in documents:
            for appraiser in ("zhou", "qian"):
                with self.as_(appraiser) as client:
                    response = client.post(f"/registry/sweeps/{sweep['sweep_id']}/appraisals",
                                           json={"document_id": document["document_id"],
                                                 "decision": decision,
                                                 "opinion": "经鉴定，同意", **details})
                assert response.status_code == 200, response.text
        with self.as_("zhao") as client:
            response = client.post(f"/registry/sweeps/{sweep['sweep_id']}/approve", json={})
        assert response.status_code == 200, response.text
        approved: dict[str, Any] = response.json()
        return approved

    def issued_loan(self, documents: list[dict[str, Any]], kind: str) -> str:
        """A loan to li of ``documents``, approved (manager, archive) and handed over now."""
        with self.as_("li") as client:
            response = client.post("/registry/loans", json={
                "documents": [d["document_id"] for d in documents], "kind": kind,
                "purpose": "核对", "reason": "业主来电"})
        assert response.status_code == 201, response.text
        loan_id = str(response.json()["loan_id"])
        for username, move in (("zhou", "approve"), ("wang", "approve"), ("sun", "issue")):
            with self.as_(username) as client:
                response = client.post(f"/registry/loans/{loan_id}/{move}", json={})
            assert response.status_code == 200, response.text
        return loan_id

    def register(self, sweep: dict[str, Any]) -> dict[str, Any]:
        """A destruction register of the approved ``sweep``, drawn up by compliance."""
        with self.as_("qian") as client:
            response = client.post("/registry/destructions", json={"sweep_id": sweep["sweep_id"]})
        assert response.status_code == 201, response.text
        register: dict[str, Any] = response.json()
        return register

    def witnessed_register(self, sweep: dict[str, Any]) -> dict[str, Any]:
        register = self.register(sweep)
        for witness in ("wang", "sun"):
            with self.as_(witness) as client:
                response = client.post(
                    f"/registry/destructions/{register['destruction_id']}/witness",
                    json={"password": PASSWORD})
            assert response.status_code == 200, response.text
            register = response.json()
        return register

    def executed(self, register: dict[str, Any]) -> dict[str, Any]:
        destruction_id = register["destruction_id"]
        with self.as_("qian") as client:
            response = client.post(f"/registry/destructions/{destruction_id}/execute")
            assert response.status_code == 202, response.text

            def finished() -> dict[str, Any] | None:
                current: dict[str, Any] = client.get(
                    f"/registry/destructions/{destruction_id}").json()
                return current if current["status"] == "executed" else None

            return eventually(finished, what="the register was not executed")
