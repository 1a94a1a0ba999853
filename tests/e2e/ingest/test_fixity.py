"""The fixity check end to end (reliability.md promise 6): a real server files documents,
the test damages the object store and the catalogue the way disks and hands do, and
``POST /ingest/fixity`` / ``archive fixity`` report each mismatch, and nothing on a sound
archive; a damaged original is never downloaded, and the staff pages say what to do."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.common.objectstore import open_object_store, original_key
from services.common.objectstore.directory import DirectoryObjectStore
from services.ingest.derived import DerivedText
from services.ingest.models import TextVersion, older_pages_key, pages_key, previews_key
from tests.e2e.ingest.support import digital_pdf, finished_fixity_run, ingest
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.pages import signed_in
from tests.support.processes import run_client

RUN_TIMEOUT_S = 60.0

server = module_archive_server()
"""One archive for the tests that run no check and read only what they filed. A run's
findings are the whole archive's: a test that runs one has an archive of its own
(``archive_server``), and the tests that would file and damage the same documents to check
different facts are one test (a new archive, its first filing spawning an extraction
process, costs seconds of CPU)."""


@pytest.fixture
def archivist(archive_server: ArchiveServer) -> httpx.Client:
    return archive_server.client(archive_server.add_user("li", "archivist", clearance="secret"))


@pytest.fixture(scope="module")
def li(server: ArchiveServer) -> httpx.Client:
    """The archivist li on the module's ``server``."""
    return server.client(server.add_user("li", "archivist", clearance="secret"))


def _file(client: httpx.Client, directory: Path, pages: int) -> dict[str, Any]:
    job = ingest(client, digital_pdf(directory, pages=pages))
    assert job["status"] == "done", job
    document: dict[str, Any] = client.get(f"/registry/documents/{job['document_id']}").json()
    return document


def _check(client: httpx.Client) -> dict[str, Any]:
    response = client.post("/ingest/fixity")
    assert response.status_code == 202, response.text
    run_id = response.json()["run_id"]
    return finished_fixity_run(client, run_id, timeout_s=RUN_TIMEOUT_S)


def _stored(server: ArchiveServer, key: str) -> Path:
    return server.settings.data_dir / "objects" / "data" / key


def test_a_sound_archive_has_no_findings_and_the_cli_exits_1_on_findings(
    archive_server: ArchiveServer, archivist: httpx.Client, tmp_path: Path,
) -> None:
    documents = [_file(archivist, tmp_path, pages) for pages in (1, 2)]
    run = _check(archivist)
    sound = _cli(archive_server, archive_server.tokens["li"], tmp_path)
    _stored(archive_server, original_key(documents[1]["sha256"])).unlink()
    damaged = _cli(archive_server, archive_server.tokens["li"], tmp_path)

    assert (run["status"], run["findings"]) == ("done", [])
    assert run["documents_checked"] == run["documents_total"] == 2
    assert run["bytes_hashed"] == sum(document["size_bytes"] for document in documents)
    assert run["started_by"] == "li"
    assert sound.returncode == 0, sound.stderr
    assert "2 documents," in sound.stdout
    assert "Every original matches the catalogue" in sound.stdout
    assert damaged.returncode == 1
    assert "original_missing" in damaged.stdout
    assert documents[1]["archive_no"] in damaged.stdout
    assert "Putting back one original" in damaged.stdout


def test_altered_and_missing_originals_and_lost_texts_and_text_versions_are_each_reported(
    archive_server: ArchiveServer, archivist: httpx.Client, tmp_path: Path,
) -> None:
    altered, missing, textless, sound, revised = (_file(archivist, tmp_path, pages)
                                                  for pages in (1, 2, 3, 4, 5))
    _revise(archive_server, revised, tmp_path)
    assert _check(archivist)["findings"] == []  # an older version of a text is no finding
    _alter(archive_server, altered)
    _stored(archive_server, original_key(missing["sha256"])).unlink()
    _stored(archive_server, pages_key(textless["sha256"])).unlink()
    _delete(archive_server, older_pages_key(revised["sha256"], 1))
    run = _check(archivist)
    assert run["status"] == "done"
    found = {(finding["document_id"], finding["kind"]) for finding in run["findings"]}
    assert found == {(altered["document_id"], "original_altered"),
                     (missing["document_id"], "original_missing"),
                     (textless["document_id"], "text_missing"),
                     (revised["document_id"], "text_version_missing")}
    assert sound["document_id"] not in {finding["document_id"] for finding in run["findings"]}
    by_kind = {finding["kind"]: finding for finding in run["findings"]}
    assert by_kind["original_altered"]["archive_no"] == altered["archive_no"]
    assert altered["sha256"] in by_kind["original_altered"]["detail"]
    with archive_server.client(archive_server.add_user("qian", "compliance")) as auditor:
        trail = auditor.get("/registry/audit",
                            params={"document_id": altered["document_id"]}).json()
        runs = auditor.get("/registry/audit", params={"username": "li"}).json()
    [finding] = [entry for entry in trail if entry["action"] == "fixity_finding"]
    assert finding["detail"]["kind"] == "original_altered"
    assert finding["detail"]["run_id"] == run["run_id"]
    # What the checker's sentence says, as values the audit page words (no sentence).
    stored = _stored(archive_server, original_key(altered["sha256"])).read_bytes()
    assert {name: finding["detail"].get(name) for name in (
        "recorded_bytes", "stored_bytes", "stored_sha256", "detail")} == {
        "recorded_bytes": altered["size_bytes"], "stored_bytes": len(stored),
        "stored_sha256": hashlib.sha256(stored).hexdigest(), "detail": None}
    assert sorted((check["detail"]["findings"], check["detail"]["documents_checked"])
                  for check in runs if check["action"] == "fixity_check") == [(0, 5), (4, 5)]


def _delete(server: ArchiveServer, key: str) -> None:
    asyncio.run(open_object_store(server.settings).delete(key))


def _revise(server: ArchiveServer, document: dict[str, Any], directory: Path) -> None:
    """A new version of the document's text (as ``archive reocr`` makes one), the older
    kept beside it."""
    derived = DerivedText(open_object_store(server.settings))
    newer = directory / "newer.jsonl"
    newer.write_bytes(asyncio.run(derived.store.read(pages_key(document["sha256"]))))
    asyncio.run(derived.revise(document["sha256"], newer, TextVersion(
        version=1, engine="ppocr", reason="re-read by archive reocr", recorded_by="li")))


def _alter(server: ArchiveServer, document: dict[str, Any]) -> None:
    original = _stored(server, original_key(document["sha256"]))
    original.chmod(0o644)
    original.write_bytes(original.read_bytes().replace(b"%%EOF", b"%%EOX"))


def test_an_altered_original_is_not_downloaded_and_the_refusal_is_audited(
    server: ArchiveServer, li: httpx.Client, tmp_path: Path,
) -> None:
    document = _file(li, tmp_path, 3)  # bytes of its own: the next test files 1 and 2 pages
    _alter(server, document)
    response = li.get(f"/ingest/documents/{document['document_id']}/original")
    assert (response.status_code, response.json()["code"]) == (409, "original_altered")
    assert "x-content-sha256" not in response.headers
    assert "archive fixity" in response.json()["detail"]
    assert "Putting back one original" in response.json()["detail"]
    with server.client(server.add_user("qian", "compliance")) as auditor:
        trail = auditor.get("/registry/audit",
                            params={"document_id": document["document_id"]}).json()
    [finding] = [entry for entry in trail if entry["action"] == "fixity_finding"]
    assert (finding["username"], finding["detail"]["kind"]) == ("li", "original_altered")
    # The download is in the trail as refused for the altered original, never as allowed.
    assert [(entry["username"], entry["outcome"], entry["code"]) for entry in trail
            if entry["action"] == "download"] == [("li", "refused", "original_altered")]


def test_the_staff_page_says_a_lost_or_altered_original_is_missing_or_damaged(
    server: ArchiveServer, li: httpx.Client, tmp_path: Path,
) -> None:
    lost, altered = (_file(li, tmp_path, pages) for pages in (1, 2))
    _stored(server, original_key(lost["sha256"])).unlink()
    _alter(server, altered)
    browser = signed_in(server.url, "li")
    for document, code in ((lost, "original_missing"), (altered, "original_altered")):
        page = browser.get(f"/ui/documents/{document['document_id']}/original")
        assert code in page.text
        assert "原件文件缺失或已损坏" in page.text
        assert "archive fixity" in page.text
        assert "没有找到" not in page.text


def test_only_the_ingest_service_may_record_a_fixity_result(
    server: ArchiveServer, li: httpx.Client,
) -> None:
    result = {"run_id": "forged", "trigger": "manual", "started_by": "li",
              "documents_checked": 0, "bytes_hashed": 0, "findings": []}
    assert li.post("/registry/fixity/results", json=result).status_code == 403
    with server.client(server.service_token()) as service:
        assert service.post("/registry/fixity/results", json=result).status_code == 204


def test_an_original_nothing_names_and_a_gap_in_archive_numbers_are_reported(
    archive_server: ArchiveServer, archivist: httpx.Client, tmp_path: Path,
) -> None:
    document = _file(archivist, tmp_path, 1)
    stray = hashlib.sha256(b"left behind by hand").hexdigest()
    store = DirectoryObjectStore(archive_server.settings.data_dir / "objects")
    asyncio.run(store.put_bytes(original_key(stray), b"left behind by hand"))
    with sqlite3.connect(archive_server.settings.data_dir / "registry.db") as db:
        db.execute("UPDATE archive_counters SET last_no = last_no + 2")
    run = _check(archivist)
    series = document["archive_no"].rsplit("-", 1)[0]
    assert sorted(finding["kind"] for finding in run["findings"]) == [
        "archive_number_gap", "original_unaccounted"]
    [unaccounted] = [finding for finding in run["findings"]
                     if finding["kind"] == "original_unaccounted"]
    [gap] = [finding for finding in run["findings"] if finding["kind"] == "archive_number_gap"]
    assert unaccounted["document_id"] is None
    assert stray in unaccounted["detail"]
    assert series in gap["detail"]
    assert "2, 3" in gap["detail"]


def test_archivists_compliance_and_admins_may_check_others_may_not(
    archive_server: ArchiveServer,
) -> None:
    with archive_server.client(archive_server.add_user("zhao", "staff")) as staff:
        assert staff.post("/ingest/fixity").status_code == 403
        assert staff.get("/ingest/fixity").status_code == 403
    with archive_server.client() as anonymous:
        assert anonymous.post("/ingest/fixity").status_code == 401
    with archive_server.client(archive_server.add_user("qian", "compliance")) as compliance:
        run = _check(compliance)
        assert run["status"] == "done"
        assert [listed["run_id"] for listed in compliance.get("/ingest/fixity").json()] == [
            run["run_id"]]
        assert compliance.get("/ingest/fixity/no-such-run").json()["code"] == (
            "unknown_fixity_run")


def _cli(server: ArchiveServer, token: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_client(server.url, token, "fixity", cwd=cwd)


def test_a_document_filed_before_previews_is_counted_not_reported_but_a_lost_list_is(
    archive_server: ArchiveServer, archivist: httpx.Client, tmp_path: Path,
) -> None:
    """A preview never made is not a lost one: an archive upgraded from a release without
    previews has documents with none at all (no list, no image). The run counts them and
    says to run ``archive derive --missing``; a document whose list is gone while a page
    image it listed remains lost it (``preview_missing``)."""
    old, lost = (_file(archivist, tmp_path, pages) for pages in (1, 2))
    viewed = archivist.get(f"/ingest/documents/{lost['document_id']}/pages/1/preview")
    assert viewed.status_code == 200, viewed.text  # a digital PDF's page: made on view
    for document in (old, lost):
        _stored(archive_server, previews_key(document["sha256"])).unlink()

    run = _check(archivist)
    printed = _cli(archive_server, archive_server.tokens["li"], tmp_path)

    assert [(finding["document_id"], finding["kind"]) for finding in run["findings"]] == [
        (lost["document_id"], "preview_missing")]
    assert run["documents_without_previews"] == 1
    assert "1 document has no page previews yet" in printed.stdout
    assert "run 'archive derive --missing'" in printed.stdout
    with archive_server.client(archive_server.add_user("qian", "compliance")) as auditor:
        trail = auditor.get("/registry/audit", params={"document_id": old["document_id"]})
    assert "fixity_finding" not in {entry["action"] for entry in trail.json()}
