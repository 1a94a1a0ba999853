"""The cabinet the browser tests read: a real ``archive serve`` (every part, embedded
defaults) on loopback, with a few documents that really went through OCR (PP-OCR, the
default engine) or a PDF's text layer, and a year's worth of catalogue records for paging.

Filled once per test run (OCR is the slow part: two one-page scans; ~11 s of CPU in all),
by whichever worker needs it first while the others wait; each module then serves a copy
of its own (``copied_cabinet``).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from services.common.objectstore import open_object_store
from services.ingest.models import page_image_key, previews_key
from tests.e2e.ingest.support import wait_for_job
from tests.e2e.search.support import eventually
from tests.fixtures.app import PASSWORD, ArchiveServer, Person, launch_archive_server
from tests.support.rendering import LINES, render_page, write_digital_pdf, write_png

TRADITIONAL_LETTER = "關於衛生間漏水的來函"
SCRIPT_TITLE = "<script>window.__hacked = true</script>維修記錄"
PAGING_WORDS = "水管巡检记录"
PAGING_RECORDS = 25
LONG_PAGES = 12
LONG_PHRASE = "地下车库渗漏由开发商修复"
LONG_PHRASE_PAGES = (9, 11)
LONG_PIECE_PAGE = 2
LONG_PIECE_LINE = "车库管理另行约定"
"""A contract of ``LONG_PAGES`` pages (its own household, A-1204) whose text holds
``LONG_PHRASE`` on those pages only, a piece of it (车库) on an earlier page: enough pages
that the page links leave some out."""


@dataclass
class Cabinet:
    server: ArchiveServer
    documents: dict[str, str] = field(default_factory=dict)
    """Document ids by a short name."""
    password: str = PASSWORD

    @property
    def url(self) -> str:
        return self.server.url


def _upload(client: httpx.Client, path: Path, **metadata: Any) -> str:
    response = client.post("/ingest/documents", data={"metadata": json.dumps(metadata)},
                           files={"file": (path.name, path.read_bytes(),
                                           "application/octet-stream")})
    assert response.status_code == 202, response.text
    job = wait_for_job(client, response.json()["job_id"], timeout_s=180)
    assert job["status"] == "done", job
    return str(job["document_id"])


def _register(client: httpx.Client, number: int) -> str:
    """A catalogue record without a scan (an old paper file indexed by its title)."""
    response = client.post("/registry/documents", json={
        "sha256": hashlib.sha256(f"inspection {number}".encode()).hexdigest(),
        "household": "A-1203", "category": "repair" if number % 3 else "engineering",
        "title": f"{PAGING_WORDS} 第{number}号",
        "filed_at": f"{2015 + number % 8}-03-{1 + number % 27:02d}",
        "media_type": "application/pdf", "size_bytes": 1000 + number,
        "location": {"building": "A座", "room": "档案室", "cabinet": "3号柜",
                     "box": f"{number}盒"}})
    assert response.status_code == 201, response.text
    return str(response.json()["document_id"])


def _as_if_filed_before_previews(server: ArchiveServer, client: httpx.Client,
                                 document_id: str) -> None:
    """Remove a one-page document's previews, as for one filed before they were made."""
    sha256 = client.get(f"/registry/documents/{document_id}").json()["sha256"]

    async def forget() -> None:
        store = open_object_store(server.settings)
        for key in (previews_key(sha256), page_image_key(sha256, 1, "preview"),
                    page_image_key(sha256, 1, "thumbnail")):
            await store.delete(key)

    asyncio.run(forget())


def _loan(people: dict[str, httpx.Client], document_id: str) -> None:
    """li borrows ``document_id`` digitally (view only): requested, approved, issued."""
    asked = people["li"].post("/registry/loans", json={
        "documents": [document_id], "kind": "digital", "purpose": "核对证件",
        "reason": "业主来电"})
    assert asked.status_code == 201, asked.text
    loan = asked.json()
    by_role = {"manager": "zhou", "center_head": "sun", "director": "zhao",
               "archivist": "wang"}
    for role in loan["approvals_needed"]:
        moved = people[by_role[role]].post(f"/registry/loans/{loan['loan_id']}/approve",
                                           json={"note": "同意"})
        assert moved.status_code == 200, moved.text
    issued = people["wang"].post(f"/registry/loans/{loan['loan_id']}/issue")
    assert issued.status_code == 200, issued.text


def fill(server: ArchiveServer, scratch: Path) -> Cabinet:
    people = server.clients(
        Person("wang", "archivist", clearance="secret", department="archive"),
        Person("li", "staff", department="customer_service"),
        Person("zhou", "manager", clearance="secret", department="customer_service"),
        Person("sun", "center_head", clearance="secret", department="customer_service"),
        Person("zhao", "director", clearance="secret", department="management"),
    )
    wang = people["wang"]
    cabinet = Cabinet(server=server)
    created = wang.post("/registry/households", json={
        "household": "A-1201", "occupant": "张伟", "moved_in": "2019-04-01"})
    assert created.status_code in (200, 201), created.text
    location = {"building": "A座", "room": "档案室", "cabinet": "1号柜", "box": "12盒"}
    cabinet.documents["old_contract"] = _upload(
        wang, write_digital_pdf(scratch / "contract.pdf",
                                [LINES["simplified"][4:6], LINES["simplified"][6:8]]),
        household="A-1201", category="contract", title="租赁合同", filed_at="2019-04-01",
        location=location)
    moved = wang.post("/registry/households/A-1201/occupants",
                      json={"occupant": "星海贸易有限公司", "moved_in": "2023-06-01"})
    assert moved.status_code == 200, moved.text
    cabinet.documents["letter"] = _upload(
        wang, write_png(scratch / "letter.png",
                        render_page(LINES["traditional"][:3], script="traditional")),
        household="A-1201", category="correspondence", title=TRADITIONAL_LETTER,
        filed_at="2024-05-18", location=location)
    cabinet.documents["request"] = _upload(
        wang, write_png(scratch / "request.png", render_page(LINES["simplified"][1:4])),
        household="A-1201", category="repair", title="门锁维修申请", filed_at="2023-09-12",
        location=location)
    cabinet.documents["confidential"] = _upload(
        wang, write_digital_pdf(scratch / "settlement.pdf", [["和解协议：赔偿金额保密。"]]),
        household="A-1202", category="correspondence", title="漏水赔偿和解协议",
        filed_at="2024-02-01", security="confidential")
    cabinet.documents["id_copy"] = _upload(
        wang, write_digital_pdf(scratch / "id.pdf", [["业主身份证复印件：张伟。"]]),
        household="A-1202", category="supplement", title="业主身份证复印件",
        filed_at="2023-07-07", personal_info=True)
    cabinet.documents["script"] = _upload(
        wang, write_digital_pdf(scratch / "script.pdf", [["消防栓维修记录。"]]),
        household="A-1202", category="repair", title=SCRIPT_TITLE, filed_at="2022-08-08")
    _as_if_filed_before_previews(server, wang, cabinet.documents["script"])
    cabinet.documents["long_contract"] = _upload(
        wang, write_digital_pdf(scratch / "long.pdf", [
            [f"物业服务合同 第{number}页",
             f"第{number}条 {LONG_PHRASE}" if number in LONG_PHRASE_PAGES
             else LONG_PIECE_LINE if number == LONG_PIECE_PAGE else "业主按时交费"]
            for number in range(1, LONG_PAGES + 1)]),
        household="A-1204", category="contract", title="物业服务合同（长）",
        filed_at="2015-05-01")
    for number in range(1, PAGING_RECORDS + 1):
        cabinet.documents[f"inspection-{number}"] = _register(wang, number)
    _loan(people, cabinet.documents["id_copy"])
    expected = PAGING_RECORDS
    eventually(lambda: wang.get("/search/documents", params={"q": PAGING_WORDS}).json()
               ["total"] == expected, timeout_s=60)
    eventually(lambda: wang.get("/search/documents", params={"q": "消防栓"}).json()["total"],
               timeout_s=60)
    for client in people.values():
        client.close()
    return cabinet


@contextmanager
def copied_cabinet(shared: Path, into: Path) -> Iterator[Cabinet]:
    """A cabinet served from ``into``: a copy of the one filled once under ``shared`` (a
    directory every test worker of the run sees), filled there first if no worker has yet.
    Stopped when done."""
    shared.mkdir(parents=True, exist_ok=True)
    template, documents = shared / "data", shared / "documents.json"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not documents.exists():
            shutil.rmtree(template, ignore_errors=True)  # a worker's that failed to fill it
            (shared / "scans").mkdir(exist_ok=True)
            server = launch_archive_server(template)
            try:
                filled = fill(server, shared / "scans")
            finally:
                server.server.stop()
            documents.write_text(json.dumps(filled.documents))
    shutil.copytree(template, into)
    server = launch_archive_server(into)
    try:
        yield Cabinet(server=server, documents=json.loads(documents.read_text()))
    finally:
        server.server.stop()
