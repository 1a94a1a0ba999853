"""Upload → extraction → registration → text and original, on embedded defaults
(SQLite, directory store) with real Tesseract, over HTTP."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from services.ingest.jobs import jobs
from services.registry.catalogue.tables import documents
from tests.e2e.ingest.support import (
    MODEL,
    damaged_line_png,
    digital_pdf,
    ingest,
    metadata,
    scanned_png,
    upload,
    wait_for_job,
)
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.cer import character_error_rate
from tests.support.processes import run_client
from tests.support.rendering import LINES, Script, render_page, write_heic, write_png

pytestmark = pytest.mark.ocr

MAX_CER = 0.03


server = module_archive_server()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="module")
def archivist(server: ArchiveServer) -> httpx.Client:
    return server.client(server.add_user("li.archivist", "archivist", clearance="secret"))


@pytest.fixture(scope="module")
def filed(archivist: httpx.Client, files: Path) -> dict[str, dict[str, Any]]:
    """One scan per script, a digital PDF and a phone's HEIC photo of a page (stored
    sideways), uploaded together and extracted."""
    uploads = {script: upload(archivist, scanned_png(files, script))
               for script in ("simplified", "traditional")}
    uploads["digital"] = upload(archivist, digital_pdf(files))
    uploads["photo"] = upload(archivist, _photo(files))
    return {name: wait_for_job(archivist, response.json()["job_id"])
            for name, response in uploads.items()}


def _photo(files: Path) -> Path:
    return write_heic(files / "IMG_0001.HEIC", render_page(LINES["simplified"][:3]),
                      stored_sideways=True)


def _text(client: httpx.Client, document_id: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/ingest/documents/{document_id}/text", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_text_of_a_scanned_page_is_recovered_under_3_percent_cer(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]], script: Script) -> None:
    pages = _text(archivist, filed[script]["document_id"])["pages"]
    expected = "\n".join(LINES[script][:3])
    assert character_error_rate(expected, pages[0]["text"], fold_width=True) < MAX_CER


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_scanned_page_is_read_by_ocr_with_the_model_of_its_script(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]], script: Script) -> None:
    page = _text(archivist, filed[script]["document_id"])["pages"][0]
    assert (page["method"], page["language"]) == ("ocr", MODEL[script])


def test_digital_pdf_pages_skip_ocr(archivist: httpx.Client,
                                    filed: dict[str, dict[str, Any]]) -> None:
    pages = _text(archivist, filed["digital"]["document_id"])["pages"]
    assert [(p["number"], p["method"], p["confidence"]) for p in pages] == [
        (1, "text_layer", 100.0), (2, "text_layer", 100.0)]


def test_job_is_done_with_its_document_and_page_count(
        filed: dict[str, dict[str, Any]]) -> None:
    job = filed["digital"]
    assert (job["status"], job["pages"], job["error"]) == ("done", 2, None)
    assert job["document_id"]


def test_document_is_registered_with_its_metadata_and_extraction(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]]) -> None:
    record = archivist.get(f"/registry/documents/{filed['simplified']['document_id']}").json()
    assert (record["household"], record["category"], record["pages"], record["language"],
            record["media_type"]) == ("A-1201", "repair", 1, "chi_sim", "image/png")
    assert record["extraction"]["method"] == "ocr"
    assert record["sha256"] == filed["simplified"]["sha256"]


def test_second_upload_of_same_bytes_saying_the_same_returns_existing_document(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]], files: Path) -> None:
    # Left out, a field is not said: the title the file name gives it is not compared.
    said_less = {key: value for key, value in metadata().items() if key != "title"}
    for meta in (metadata(security="ordinary", personal_info=False), said_less):
        again = upload(archivist, scanned_png(files, "simplified"), meta)
        assert again.status_code == 200, again.text
        body = again.json()
        assert (body["document_id"], body["job_id"], body["duplicate"]) == (
            filed["simplified"]["document_id"], filed["simplified"]["job_id"], True)


def test_second_upload_saying_otherwise_is_refused_naming_the_fields(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]], files: Path) -> None:
    document_id = filed["simplified"]["document_id"]
    again = upload(archivist, scanned_png(files, "simplified"), metadata(
        household="A-1202", title="另一个标题", filed_at="2024-05-19",
        security="confidential", personal_info=True))
    assert again.status_code == 409, again.text
    body = again.json()
    assert body["code"] == "filed_differently"
    assert body["fields"] == ["household", "title", "filed_at", "security", "personal_info"]
    assert body["document_id"] == document_id
    assert f"/registry/documents/{document_id}/corrections" in body["detail"]
    record = archivist.get(f"/registry/documents/{document_id}").json()
    assert (record["household"], record["security"], record["personal_info"]) == (
        "A-1201", "ordinary", False)


def _filed_directly(client: httpx.Client, path: Path, **fields: Any) -> dict[str, Any]:
    """``path``'s bytes filed through the registry's own route, as ``metadata()`` says."""
    content = path.read_bytes()
    response = client.post("/registry/documents", json={
        **metadata(), "sha256": hashlib.sha256(content).hexdigest(),
        "media_type": "image/png", "size_bytes": len(content), **fields})
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


@pytest.mark.parametrize(("script", "filed_with"), [("traditional", None),
                                                    ("simplified", "eng")],
                         ids=["filed without a language", "filed with another"])
def test_upload_saying_no_language_of_bytes_filed_directly_is_their_document(
        archivist: httpx.Client, files: Path, script: Script, filed_with: str | None) -> None:
    """The language OCR reads is not the uploader's word: the job files the bytes as
    the record they have, whatever language that record says."""
    path = scanned_png(files, script, lines=2 if script == "traditional" else 4)
    earlier = _filed_directly(archivist, path, language=filed_with)
    job = ingest(archivist, path)
    assert (job["status"], job["document_id"]) == ("done", earlier["document_id"]), job
    record = archivist.get(f"/registry/documents/{earlier['document_id']}").json()
    assert record["language"] == filed_with


def test_upload_saying_no_title_date_or_security_of_bytes_filed_directly_is_their_document(
        archivist: httpx.Client, files: Path) -> None:
    """The defaults an upload takes for what it leaves out (the file's name, today,
    ``ordinary``, no personal information) are not the uploader's word: they file a new
    document, and are not compared with the record of bytes filed already."""
    path = scanned_png(files, "simplified", lines=5)
    earlier = _filed_directly(archivist, path, title="卫生间漏水（直接归档）",
                              filed_at="2021-03-04", security="confidential",
                              personal_info=True)
    job = ingest(archivist, path, {"household": "A-1201", "category": "repair"})
    assert (job["status"], job["document_id"]) == ("done", earlier["document_id"]), job
    record = archivist.get(f"/registry/documents/{earlier['document_id']}").json()
    # Filed with no pages (catalogued before its scan), the record takes the scan's.
    assert (record["pages"], earlier["pages"]) == (1, 0)
    assert {**record, "pages": 0, "extraction": None, "updated_at": None} == {
        **earlier, "extraction": None, "updated_at": None}


def test_a_scan_an_earlier_release_left_unattached_is_attached_by_derive_missing(
        server: ArchiveServer, archivist: httpx.Client, files: Path, tmp_path: Path) -> None:
    """A paper file catalogued first, then uploaded under a release that filed its bytes
    without attaching the scan: its record kept 0 pages, and uploading it again is a
    duplicate that never reaches the registry. ``archive derive --missing`` (Upgrading's
    last step) attaches it from the text ingest stored, once: run again, it finds none."""
    path = scanned_png(files, "simplified", lines=6)
    catalogued = _filed_directly(archivist, path)
    job = ingest(archivist, path, {"household": "A-1201", "category": "repair"})
    assert (job["status"], job["document_id"]) == ("done", catalogued["document_id"]), job
    _as_an_earlier_release_filed_it(server, catalogued["document_id"])
    duplicate = upload(archivist, path, {"household": "A-1201", "category": "repair"})
    record = archivist.get(f"/registry/documents/{catalogued['document_id']}").json()
    assert (duplicate.json()["duplicate"], record["pages"]) == (True, 0)

    repaired = run_client(server.url, server.tokens["li.archivist"], "derive", "--missing",
                          cwd=tmp_path)

    assert repaired.returncode == 0, repaired.stderr
    assert "1 scans attached to records catalogued before them" in repaired.stdout
    record = archivist.get(f"/registry/documents/{catalogued['document_id']}").json()
    assert (record["pages"], record["extraction"]["method"]) == (1, "ocr")
    again = archivist.post("/ingest/documents/attach-scans")
    assert again.json() == {"attached": 0, "refused": []}


def _uploaded_under_an_earlier_release(server: ArchiveServer, archivist: httpx.Client,
                                       path: Path) -> dict[str, Any]:
    """``path`` catalogued first, then uploaded saying what its record says
    (``metadata()``) under a release that filed it without attaching the scan."""
    catalogued = _filed_directly(archivist, path)
    job = ingest(archivist, path, metadata())
    assert (job["status"], job["document_id"]) == ("done", catalogued["document_id"]), job
    _as_an_earlier_release_filed_it(server, catalogued["document_id"])
    return catalogued


def test_a_scan_whose_record_was_corrected_since_its_upload_is_attached_as_corrected(
        server: ArchiveServer, archivist: httpx.Client, files: Path, tmp_path: Path) -> None:
    """The upload said what the record said then; a correction since changed its title
    (kept in its versions, D6). The bytes are the record's, so ``archive derive
    --missing`` attaches the scan to the record as corrected, and the audit log says
    which fields were corrected since the upload."""
    path = write_png(files / "corrected-since.png", render_page(LINES["simplified"][1:4]))
    catalogued = _uploaded_under_an_earlier_release(server, archivist, path)
    document_id = catalogued["document_id"]
    corrected = archivist.post(f"/registry/documents/{document_id}/corrections", json={
        "changes": {"title": "卫生间漏水维修申请（业主签字版）"}, "reason": "标题按原件更正"})
    assert corrected.status_code == 201, corrected.text

    repaired = run_client(server.url, server.tokens["li.archivist"], "derive", "--missing",
                          cwd=tmp_path)

    assert repaired.returncode == 0, repaired.stderr
    assert "1 scans attached to records catalogued before them, 0 not attached" \
        in repaired.stdout, repaired.stdout + repaired.stderr
    record = archivist.get(f"/registry/documents/{document_id}").json()
    assert (record["pages"], record["title"]) == (1, "卫生间漏水维修申请（业主签字版）")
    with server.client(server.add_user("qian", "compliance")) as compliance:
        entries = compliance.get("/registry/audit", params={
            "action": "original_attached", "document_id": document_id}).json()
    # The first is the upload's own, undone in the database as the earlier release left it.
    assert entries[-1]["detail"] == {"pages": 1, "corrected_since": ["title"]}


def test_a_scan_uploaded_saying_what_no_version_of_its_record_said_is_named_with_what_to_do(
        server: ArchiveServer, archivist: httpx.Client, files: Path, tmp_path: Path) -> None:
    """A release before the registry compared an upload with its record filed one saying
    another title, which no version of the record ever held: which is right is not
    guessed. ``archive derive --missing`` names the record by its archive number, what
    the upload said, its page, and how to attach it by hand."""
    path = write_png(files / "said-otherwise.png", render_page(LINES["simplified"][2:5]))
    catalogued = _uploaded_under_an_earlier_release(server, archivist, path)
    document_id = catalogued["document_id"]
    ingest_db = sa.create_engine(f"sqlite:///{server.settings.data_dir / 'ingest.db'}")
    with ingest_db.begin() as conn:
        payload = conn.execute(sa.select(jobs.c.payload).where(
            jobs.c.sha256 == catalogued["sha256"])).scalar_one()
        payload["metadata"]["title"] = "另一份文件"
        conn.execute(jobs.update().where(jobs.c.sha256 == catalogued["sha256"])
                     .values(payload=payload))
    ingest_db.dispose()

    repaired = run_client(server.url, server.tokens["li.archivist"], "derive", "--missing",
                          cwd=tmp_path)

    assert "0 scans attached to records catalogued before them, 1 not attached" \
        in repaired.stdout, repaired.stdout + repaired.stderr
    said = repaired.stderr
    assert f"{catalogued['archive_no']} (document {document_id}): its scan was uploaded " \
           "saying title 另一份文件, which no version of its record ever said" in said
    assert f"/ui/documents/{document_id}" in said
    assert "run 'archive derive --missing' again" in said
    assert archivist.get(f"/registry/documents/{document_id}").json()["pages"] == 0


def _as_an_earlier_release_filed_it(server: ArchiveServer, document_id: str) -> None:
    """The record as the releases before the scan was attached left it: 0 pages, no
    reading (written in the registry's database, the rows the registry reads)."""
    registry = sa.create_engine(f"sqlite:///{server.settings.data_dir / 'registry.db'}")
    with registry.begin() as conn:
        conn.execute(documents.update().where(documents.c.document_id == document_id)
                     .values(pages=0, extraction=None, review_pages=0))
    registry.dispose()


def test_upload_saying_another_title_of_bytes_filed_directly_fails_naming_it(
        archivist: httpx.Client, files: Path) -> None:
    path = scanned_png(files, "traditional", lines=5)
    _filed_directly(archivist, path, security="confidential")
    job = ingest(archivist, path, {"household": "A-1201", "category": "repair",
                                   "title": "另一个标题", "security": "confidential"})
    assert (job["status"], job["error_code"], job["document_id"]) == (
        "failed", "filed_differently", None)
    assert "with a different title;" in job["error"], job


def test_upload_saying_another_language_of_bytes_filed_directly_fails_its_job(
        archivist: httpx.Client, files: Path) -> None:
    path = scanned_png(files, "traditional", lines=4)
    earlier = _filed_directly(archivist, path, language="chi_sim")
    job = ingest(archivist, path, metadata(language="chi_tra"))
    assert (job["status"], job["error_code"], job["document_id"]) == (
        "failed", "filed_differently", None)
    record = archivist.get(f"/registry/documents/{earlier['document_id']}").json()
    assert record["language"] == "chi_sim"


def test_asked_before_uploading_again_the_answer_is_the_uploads(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]]) -> None:
    sha256 = filed["simplified"]["sha256"]
    same = archivist.post(f"/ingest/originals/{sha256}", json=metadata())
    assert same.status_code == 200, same.text
    assert (same.json()["document_id"], same.json()["pages"]) == (
        filed["simplified"]["document_id"], 1)
    raised = archivist.post(f"/ingest/originals/{sha256}", json=metadata(security="secret"))
    assert (raised.status_code, raised.json()["fields"]) == (409, ["security"])


def test_same_bytes_uploaded_while_queued_join_the_same_job(
        archivist: httpx.Client, files: Path) -> None:
    path = scanned_png(files, "simplified", lines=1)
    first, second = upload(archivist, path), upload(archivist, path)
    assert second.status_code == 202
    assert second.json()["job_id"] == first.json()["job_id"]
    # Before the job files them, its own upload is what another is compared with.
    otherwise = upload(archivist, path, metadata(filed_at="2023-01-06"))
    assert (otherwise.status_code, otherwise.json()["fields"]) == (409, ["filed_at"])
    wait_for_job(archivist, first.json()["job_id"])


def test_words_are_returned_only_when_asked(archivist: httpx.Client,
                                            filed: dict[str, dict[str, Any]]) -> None:
    document_id = filed["simplified"]["document_id"]
    assert "words" not in _text(archivist, document_id)["pages"][0]
    words = _text(archivist, document_id, words="true")["pages"][0]["words"]
    assert words
    assert {"text", "confidence", "left", "top", "width", "height"} <= set(words[0])


def test_blank_page_is_flagged_for_review(archivist: httpx.Client, files: Path) -> None:
    blank = write_png(files / "blank.png", Image.new("L", (600, 400), 255))
    job = ingest(archivist, blank)
    page = _text(archivist, job["document_id"])["pages"][0]
    assert (page["confidence"], page["needs_review"]) == (0.0, True)


def test_page_with_one_garbled_line_goes_to_review_despite_a_high_mean(
        archivist: httpx.Client, files: Path) -> None:
    job = ingest(archivist, damaged_line_png(files))
    document_id = job["document_id"]
    page = _text(archivist, document_id)["pages"][0]
    assert page["confidence"] > 80
    assert page["needs_review"] is True
    queued = archivist.get("/registry/documents", params={"needs_review": "true"})
    assert document_id in [record["document_id"] for record in queued.json()]
    reading = archivist.get(f"/ingest/documents/{document_id}/reading", params={"page": 1})
    [doubtful] = reading.json()["doubtful_lines"]
    assert doubtful in page["text"]
    assert doubtful not in LINES["simplified"]


def test_original_streams_the_uploaded_bytes(archivist: httpx.Client,
                                             filed: dict[str, dict[str, Any]]) -> None:
    response = archivist.get(f"/ingest/documents/{filed['digital']['document_id']}/original")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == filed["digital"]["sha256"]


def test_a_heic_photo_is_filed_as_image_heic_and_read_upright(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]]) -> None:
    document_id = filed["photo"]["document_id"]
    record = archivist.get(f"/registry/documents/{document_id}").json()
    assert (record["media_type"], record["pages"]) == ("image/heic", 1)
    [page] = _text(archivist, document_id)["pages"]
    assert (page["method"], page.get("rotation", 0)) == ("ocr", 0)  # 0 is left out
    expected = "\n".join(LINES["simplified"][:3])
    assert character_error_rate(expected, page["text"], fold_width=True) < MAX_CER


def test_original_of_a_heic_photo_is_its_bytes_as_image_heic(
        archivist: httpx.Client, filed: dict[str, dict[str, Any]], files: Path) -> None:
    response = archivist.get(f"/ingest/documents/{filed['photo']['document_id']}/original")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/heic"
    assert response.headers["content-disposition"].endswith('.heic"')
    assert response.content == (files / "IMG_0001.HEIC").read_bytes()


def test_original_download_is_recorded_in_the_audit_log(
        server: ArchiveServer, filed: dict[str, dict[str, Any]]) -> None:
    reader = server.client(server.add_user("wang.staff", "staff"))
    document_id = filed["traditional"]["document_id"]
    assert reader.get(f"/ingest/documents/{document_id}/original").status_code == 200
    auditor = server.client(server.add_user("zhao.compliance", "compliance"))
    entries = auditor.get("/registry/audit", params={"document_id": document_id}).json()
    assert ("wang.staff", "download") in {(e["username"], e["action"]) for e in entries}


def test_confidential_original_is_refused_without_an_approved_loan(
        server: ArchiveServer, archivist: httpx.Client, files: Path) -> None:
    path = scanned_png(files, "traditional", lines=1)
    job = ingest(archivist, path, metadata(security="confidential"))
    reader = server.client(server.add_user("sun.staff", "staff", clearance="confidential"))
    response = reader.get(f"/ingest/documents/{job['document_id']}/original")
    assert response.status_code == 403
    assert response.json()["code"] == "needs_grant"


def test_document_above_the_readers_clearance_is_not_found(
        server: ArchiveServer, archivist: httpx.Client, files: Path) -> None:
    job = ingest(archivist, scanned_png(files, "simplified", lines=2),
                 metadata(security="confidential"))
    reader = server.client(server.add_user("qian.staff", "staff"))
    assert reader.get(f"/ingest/documents/{job['document_id']}/text").status_code == 404


def test_unknown_document_text_is_not_found(archivist: httpx.Client) -> None:
    response = archivist.get("/ingest/documents/00000000-0000-0000-0000-000000000000/text")
    assert (response.status_code, response.json()["code"]) == (404, "unknown_document")


def test_jobs_are_listed_by_status(archivist: httpx.Client,
                                   filed: dict[str, dict[str, Any]]) -> None:
    done = archivist.get("/ingest/jobs", params={"status": "done"}).json()
    assert {job["job_id"] for job in filed.values()} <= {job["job_id"] for job in done}
    assert all(job["status"] == "done" for job in done)


def test_known_original_is_found_by_its_hash(archivist: httpx.Client,
                                             filed: dict[str, dict[str, Any]]) -> None:
    job = filed["digital"]
    state = archivist.get(f"/ingest/originals/{job['sha256']}").json()
    assert (state["job_id"], state["status"], state["document_id"]) == (
        job["job_id"], "done", job["document_id"])


def test_staff_may_not_upload(server: ArchiveServer, files: Path) -> None:
    staff = server.client(server.add_user("zhou.staff", "staff"))
    response = upload(staff, scanned_png(files, "simplified"))
    assert (response.status_code, response.json()["code"]) == (403, "role_required")
