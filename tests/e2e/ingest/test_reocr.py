"""``archive reocr`` as an archivist runs it: a letter written by hand, filed when the
archive read with Tesseract, is re-read with PP-OCR; its new text becomes a new version
(the old one kept), search then finds a phrase the old text had wrong, and running the
command again re-reads nothing. A page a person corrected keeps its text through a
re-reading, unless the re-reading is asked to replace it."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from services.common.objectstore import open_object_store
from services.common.text import fold
from services.ingest.extraction import PageText
from services.ingest.models import older_pages_key, pages_key, text_versions_key
from tests.e2e.ingest.support import digital_pdf, ingest, metadata
from tests.e2e.ingest.test_cli_ingest import archive
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.previews import boxes_on_drawn_characters, scaled
from tests.support.rendering import (
    LINES,
    render_handwritten_page,
    render_page,
    write_jpeg,
    write_tiff,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.ocr

LETTER = LINES["traditional"][:5]
FOUND_TIMEOUT_S = 30.0


server = module_archive_server(ocr_engine="tesseract")


@pytest.fixture(scope="module")
def token(server: ArchiveServer) -> str:
    return server.add_user("li.archivist", "archivist")


@pytest.fixture(scope="module")
def filed(server: ArchiveServer, token: str, tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, Any]:
    """The handwritten letter filed with Tesseract, and what it read."""
    folder = tmp_path_factory.mktemp("letters")
    page, drawn = render_handwritten_page(LETTER, script="traditional", dpi=200, seed=200)
    path = write_jpeg(folder / "complaint.jpeg", page, quality=90)
    job = ingest(server.client(token), path, metadata(category="complaint", title="投诉函"))
    assert job["status"] == "done", job
    text = server.client(token).get(f"/ingest/documents/{job['document_id']}/text").json()
    return {"document_id": job["document_id"], "sha256": job["sha256"], "text": text,
            "drawn": drawn, "width": page.width}


def misread_phrase(old_text: str) -> str:
    """A four-character phrase of the letter that the old reading does not contain."""
    old = fold("".join(old_text.split()))
    for line in LETTER:
        for start in range(len(line) - 3):
            phrase = line[start:start + 4]
            if all("\u4e00" <= char <= "\u9fff" for char in phrase) and fold(phrase) not in old:
                return phrase
    raise AssertionError(f"Tesseract read the whole letter right: {old_text}")


def hits(server: ArchiveServer, token: str, query: str) -> list[str]:
    answer = server.client(token).get("/search/documents", params={"q": f'"{query}"'}).json()
    return [hit["document_id"] for hit in answer["hits"]]


def wait_until_found(server: ArchiveServer, token: str, query: str) -> list[str]:
    try:
        return eventually(lambda: hits(server, token, query), timeout_s=FOUND_TIMEOUT_S)
    except AssertionError:
        return []


def test_reocr_makes_search_find_what_the_old_text_had_wrong(
    server: ArchiveServer, token: str, filed: dict[str, Any], tmp_path: Path
) -> None:
    old_text = "\n".join(page["text"] for page in filed["text"]["pages"])
    phrase = misread_phrase(old_text)
    assert wait_until_found(server, token, "".join(old_text.split())[:2]) == [
        filed["document_id"]]  # the old text is indexed
    assert hits(server, token, phrase) == []

    run = archive(["reocr", "--engine", "ppocr", "--category", "complaint"], server, token,
                  tmp_path)

    assert run.returncode == 0, run.stderr
    assert "1 re-read" in run.stdout
    assert wait_until_found(server, token, phrase) == [filed["document_id"]]
    pages = server.client(token).get(f"/ingest/documents/{filed['document_id']}/text",
                                     params={"words": "true"}).json()["pages"]
    assert pages[0]["engine"] == "ppocr"
    assert len(pages[0]["words"]) > 50


def test_old_text_is_kept_as_a_version_with_its_history(
    server: ArchiveServer, token: str, filed: dict[str, Any]
) -> None:
    store = open_object_store(server.settings)
    old_lines = asyncio.run(store.read(older_pages_key(filed["sha256"], 1))).decode()
    assert '"engine":"tesseract"' in old_lines
    history = asyncio.run(store.read(text_versions_key(filed["sha256"]))).decode().splitlines()
    assert len(history) == 2
    assert '"engine":"ppocr"' in history[1]
    assert '"recorded_by":"li.archivist"' in history[1]
    assert '"announced":true' in history[1]


def test_the_pages_previews_and_boxes_follow_the_new_reading(
    server: ArchiveServer, token: str, filed: dict[str, Any]
) -> None:
    client = server.client(token)
    page = f"/ingest/documents/{filed['document_id']}/pages/1"
    preview, boxes = client.get(f"{page}/preview"), client.get(f"{page}/boxes").json()
    text = client.get(f"/ingest/documents/{filed['document_id']}/text").json()["pages"][0]
    assert preview.headers["etag"] == f'"{filed["sha256"]}-1-v2"'
    assert "".join(box["text"] for box in boxes["boxes"]) == "".join(text["text"].split())
    scale = boxes["width"] / filed["width"]
    drawn = [(character, scaled(box, scale)) for character, box in filed["drawn"]]
    matched, on_it = boxes_on_drawn_characters(boxes["boxes"], drawn)
    assert matched >= 0.9 * len(drawn)
    assert on_it >= 0.95 * matched


def test_running_reocr_again_rereads_nothing(
    server: ArchiveServer, token: str, filed: dict[str, Any], tmp_path: Path
) -> None:
    run = archive(["reocr", "--engine", "ppocr"], server, token, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "0 re-read, 1 already read by this engine" in run.stdout


def test_staff_may_not_reread(server: ArchiveServer, filed: dict[str, Any]) -> None:
    staff = server.add_user("wang.staff", "staff")
    response = server.client(staff).post(f"/ingest/documents/{filed['document_id']}/reocr",
                                         json={})
    assert response.status_code == 403


PERSON = "业主来函：琥珀色窗帘褪色，请物业处理。"
"""A person's reading of the second page of ``corrected``."""


@pytest.fixture(scope="module")
def corrected(server: ArchiveServer, token: str, tmp_path_factory: pytest.TempPathFactory
              ) -> dict[str, Any]:
    """A two-page letter filed with Tesseract (category ``correspondence``) whose second
    page a person corrected."""
    folder = tmp_path_factory.mktemp("corrected")
    lines = LINES["simplified"]
    path = write_tiff(folder / "letter.tiff", [render_page(lines[:2]), render_page(lines[2:4])])
    job = ingest(server.client(token), path, metadata(category="correspondence", title="来函"))
    assert job["status"] == "done", job
    page = f"/ingest/documents/{job['document_id']}/pages/2/text"
    saved = server.client(token).post(page, json={"text": PERSON, "reason": "人工校对",
                                                  "base_version": 1})
    assert saved.status_code == 200, saved.text
    return job


def pages_of(server: ArchiveServer, token: str, document_id: str) -> list[dict[str, Any]]:
    answer = server.client(token).get(f"/ingest/documents/{document_id}/text")
    assert answer.status_code == 200, answer.text
    pages: list[dict[str, Any]] = answer.json()["pages"]
    return pages


def test_reocr_keeps_the_page_a_person_corrected_and_says_how_many_it_kept(
    server: ArchiveServer, token: str, corrected: dict[str, Any], tmp_path: Path
) -> None:
    run = archive(["reocr", "--engine", "ppocr", "--category", "correspondence"], server,
                  token, tmp_path)

    assert run.returncode == 0, run.stderr
    assert "1 re-read" in run.stdout
    assert "pages people corrected, kept as they wrote them: 1" in run.stdout
    first, second = pages_of(server, token, corrected["document_id"])
    assert first["engine"] == "ppocr"
    assert (second["text"], second["confidence"], second["needs_review"]) == (
        PERSON, 100, False)
    again = archive(["reocr", "--engine", "ppocr", "--category", "correspondence"], server,
                    token, tmp_path)
    assert "0 re-read, 1 already read by this engine" in again.stdout


def test_reocr_asked_to_replace_corrected_pages_replaces_them(
    server: ArchiveServer, token: str, corrected: dict[str, Any]
) -> None:
    answer = server.client(token).post(
        f"/ingest/documents/{corrected['document_id']}/reocr",
        json={"engine": "ppocr", "replace_corrected": True})

    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["kept_corrected"]) == ("reread", 0)
    second = pages_of(server, token, corrected["document_id"])[1]
    assert second["text"] != PERSON
    assert second["engine"] == "ppocr"


def test_reocr_leaves_out_what_the_caller_may_not_read_and_journals_no_read_it_skipped(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    """A document with owners' personal information is read only through a loan (B8): it
    is counted as left out, not failed (running again would never help). A document
    skipped (a digital PDF has no scanned pages) was not read, and the audit log says
    no read of it."""
    lease = ingest(server.client(token), digital_pdf(tmp_path),
                   metadata(category="contract", title="租赁合同"))
    assert lease["status"] == "done", lease
    personal = server.client(token).post("/registry/documents", json={
        "sha256": hashlib.sha256(b"id card copy").hexdigest(), "household": "A-1201",
        "category": "contract", "title": "身份证复印件", "filed_at": "2024-05-18",
        "personal_info": True, "media_type": "image/png", "size_bytes": 100})
    assert personal.status_code == 201, personal.text
    compliance = server.client(server.add_user("qin.compliance", "compliance"))

    def entries(document_id: str) -> list[str]:
        trail = compliance.get("/registry/audit/", params={"document_id": document_id}).json()
        return [f"{entry['action']} {entry['outcome']}" for entry in trail
                if entry["username"] == "li.archivist"]

    lease_entries = entries(lease["document_id"])
    run = archive(["reocr", "--category", "contract"], server, token, tmp_path)

    assert run.returncode == 0, run.stderr
    assert "0 re-read, 0 already read by this engine, 1 without scanned pages to read, " \
        "0 failed" in run.stdout
    assert "left out: 1 whose text you may not read" in run.stdout
    assert "failed:" not in run.stderr
    assert "retry" not in run.stderr
    assert entries(lease["document_id"]) == lease_entries
    assert "read_text refused" not in entries(personal.json()["document_id"])


def test_a_reading_that_finds_nothing_keeps_the_text_and_makes_no_new_version(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    """A page another engine read, which this one reads empty: the text stays, and no
    version is stored that only repeats it (run after run would add one)."""
    path = write_jpeg(tmp_path / "faded.jpeg", render_page([]))
    job = ingest(server.client(token), path, metadata(category="repair", title="维修单"))
    assert job["status"] == "done", job
    store = open_object_store(server.settings)
    key = pages_key(job["sha256"])
    read_before = [msgspec.json.decode(line) for line in
                   asyncio.run(store.read(key)).splitlines() if line.strip()]
    read_before[0] |= {"text": "业主报修：阳台漏水", "engine": "ppocr", "confidence": 95.0}
    asyncio.run(store.put_bytes(key, b"".join(
        msgspec.json.encode(page) + b"\n" for page in read_before)))

    for _ in range(2):
        run = archive(["reocr", "--engine", "tesseract", "--category", "repair"], server,
                      token, tmp_path)
        assert run.returncode == 0, run.stderr
        assert "0 re-read" in run.stdout
        assert "read empty: 1 documents" in run.stdout
    [page] = pages_of(server, token, job["document_id"])
    assert (page["text"], page["engine"]) == ("业主报修：阳台漏水", "ppocr")
    assert asyncio.run(store.head(text_versions_key(job["sha256"]))) is None


def test_what_this_engine_read_before_a_moment_is_read_again_and_a_rerun_resumes(
    server: ArchiveServer, token: str, filed: dict[str, Any], tmp_path: Path
) -> None:
    """After an upgrade that reads better: ``read_before`` re-reads what the engine read
    before it, and only that, so asking again continues where it stopped."""
    client = server.client(token)
    path = f"/ingest/documents/{filed['document_id']}/reocr"
    upgraded = datetime.now(UTC).isoformat()
    again = client.post(path, json={"engine": "ppocr", "read_before": upgraded}).json()
    resumed = client.post(path, json={"engine": "ppocr", "read_before": upgraded}).json()
    assert again["status"] == "reread", again
    assert (resumed["status"], resumed["skipped_because"]) == ("skipped", "already_read")

    today = datetime.now(server.settings.time_zone).date()
    run = archive(["reocr", "--engine", "ppocr", "--read-before", today.isoformat()],
                  server, token, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("0 re-read, ")  # every one was read today
    ahead = archive(["reocr", "--read-before", (today + timedelta(days=1)).isoformat()],
                    server, token, tmp_path)
    assert ahead.returncode == 2
    assert "has not begun" in ahead.stderr


def test_a_text_layer_an_earlier_release_took_though_garbled_is_read_again(
    server: ArchiveServer, token: str, tmp_path: Path
) -> None:
    """A digital PDF whose font map garbled its text layer (GBK bytes read as Latin-1) was
    filed from that layer before the archive told garbage from language; ``reocr`` reads
    it again (here the original's layer is sound, so its text comes back), and, once it
    reads as language, not again."""
    client = server.client(token)
    job = ingest(client, digital_pdf(tmp_path, pages=1), metadata(category="visit",
                                                                  title="回访记录"))
    store = open_object_store(server.settings)
    key = pages_key(job["sha256"])
    stored = [msgspec.json.decode(line, type=PageText)
              for line in asyncio.run(store.read(key)).splitlines()]
    garbled = [msgspec.structs.replace(page, text=page.text.encode("gbk").decode("latin-1"),
                                       words=()) for page in stored]
    asyncio.run(store.put_bytes(key, b"\n".join(msgspec.json.encode(page)
                                                for page in garbled) + b"\n"))

    answer = client.post(f"/ingest/documents/{job['document_id']}/reocr",
                         json={"engine": "tesseract"})

    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "reread"
    [page] = pages_of(server, token, job["document_id"])
    assert page["text"] == stored[0].text
    again = client.post(f"/ingest/documents/{job['document_id']}/reocr",
                        json={"engine": "tesseract"}).json()
    assert (again["status"], again["skipped_because"]) == ("skipped", "no_ocr_pages")
