"""What a reader may ask of a document besides reading it (issue 16): what they may do
with it (``permissions``, not audited), its audit entries as they may see them, and its
loans; a document they may not see is the same 404 as one that does not exist."""

from __future__ import annotations

import hashlib
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.ingest.support import metadata, upload, wait_for_job
from tests.fixtures.app import ArchiveServer, Person, module_archive_server
from tests.support.pages import signed_in
from tests.support.rendering import write_digital_pdf

server = module_archive_server()
"""One archive for the module: each test files documents of its own titles (bytes) and
asks only about them."""


@pytest.fixture(scope="module")
def people(server: ArchiveServer) -> dict[str, httpx.Client]:
    return server.clients(
        Person("wang", "archivist", clearance="secret", department="archive"),
        Person("li", "staff", department="customer_service"),
        Person("qin", "compliance", clearance="secret", department="archive"),
        # Someone to give each step of wang's loans (a request nobody could approve is
        # refused).
        Person("he", "manager", clearance="secret", department="archive"),
        Person("zhao", "director", clearance="secret", department="management"),
        Person("sun", "archivist", clearance="secret", department="archive"),
    )


def _file(client: httpx.Client, title: str, **fields: Any) -> str:
    response = client.post("/registry/documents", json={
        "sha256": hashlib.sha256(title.encode()).hexdigest(), "household": "A-1201",
        "category": "correspondence", "title": title, "filed_at": "2024-05-18",
        "media_type": "application/pdf", "size_bytes": 100, **fields})
    assert response.status_code == 201, response.text
    return str(response.json()["document_id"])


def _codes(answer: dict[str, Any]) -> tuple[str, str]:
    return answer["read_text"]["code"], answer["download"]["code"]


def test_permissions_say_what_the_reader_may_do_with_its_reason(
        people: dict[str, httpx.Client]) -> None:
    ordinary = _file(people["wang"], "来函")
    personal = _file(people["wang"], "身份证复印件", personal_info=True)
    confidential = _file(people["wang"], "和解协议", security="confidential")
    li = people["li"]
    assert _codes(li.get(f"/registry/documents/{ordinary}/permissions").json()) == \
        ("allowed", "allowed")
    assert _codes(li.get(f"/registry/documents/{personal}/permissions").json()) == \
        ("needs_grant", "needs_grant")
    hidden = li.get(f"/registry/documents/{confidential}/permissions")
    missing = li.get(f"/registry/documents/{uuid.uuid4()}/permissions")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "unknown_document")
    assert (missing.status_code, missing.json()["code"]) == (404, "unknown_document")


def test_asking_permissions_is_not_recorded_as_a_read(people: dict[str, httpx.Client]) -> None:
    document = _file(people["wang"], "维修单")
    people["li"].get(f"/registry/documents/{document}/permissions")
    entries = people["qin"].get("/registry/audit/", params={"document_id": document}).json()
    assert [entry["action"] for entry in entries] == ["filed"]


def test_a_reader_sees_their_own_audit_entries_compliance_sees_all(
        people: dict[str, httpx.Client]) -> None:
    document = _file(people["wang"], "来函（二）")
    assert people["li"].post("/registry/access/decide", json={
        "document_id": document, "action": "read_text"}).status_code == 200
    trail = f"/registry/documents/{document}/audit"
    own = people["li"].get(trail).json()
    every = people["qin"].get(trail).json()
    assert [(e["username"], e["action"]) for e in own] == [("li", "read_text")]
    assert [(e["username"], e["action"]) for e in every] == [
        ("li", "read_text"), ("wang", "filed")]
    assert "hash" not in every[0]


def test_the_audit_of_a_document_above_clearance_is_a_404(
        people: dict[str, httpx.Client]) -> None:
    secret = _file(people["wang"], "绝密函件", security="secret")
    answer = people["li"].get(f"/registry/documents/{secret}/audit")
    assert (answer.status_code, answer.json()["code"]) == (404, "unknown_document")


def test_loans_of_one_document_as_the_register_shows_them(
        people: dict[str, httpx.Client]) -> None:
    lent = _file(people["wang"], "装修审批")
    other = _file(people["wang"], "缴费记录")
    secret = _file(people["wang"], "绝密合同", security="secret")
    for document in (lent, other, secret):
        asked = people["wang"].post("/registry/loans", json={
            "documents": [document], "kind": "paper", "purpose": "核对", "reason": "查询",
            "borrower": "wang"})
        assert asked.status_code == 201, asked.text
    loans = people["wang"].get("/registry/loans/", params={"document_id": lent}).json()
    assert [[d["document_id"] for d in loan["documents"]] for loan in loans] == [[lent]]
    assert people["li"].get("/registry/loans/", params={"document_id": lent}).json() == []
    assert people["li"].get("/registry/loans/", params={"document_id": secret}).json() == []


def test_a_record_whose_original_was_never_uploaded_offers_no_download_and_says_why(
        server: ArchiveServer, people: dict[str, httpx.Client], tmp_path: Path) -> None:
    catalogued = _file(people["wang"], "只有目录记录的维修单")
    pdf = tmp_path / "uploaded.pdf"
    write_digital_pdf(pdf, [["已上传原件的维修单"]])
    sent = upload(people["wang"], pdf, metadata(title="已上传原件的维修单"))
    assert sent.status_code == 202, sent.text
    job = wait_for_job(people["wang"], sent.json()["job_id"])
    offered = '" download>下载原件</a>'
    with closing(signed_in(server.url, "wang")) as wang, \
            closing(signed_in(server.url, "li")) as li:
        archivist = wang.get(f"/ui/documents/{catalogued}").text
        staff = li.get(f"/ui/documents/{catalogued}").text
        uploaded = wang.get(f"/ui/documents/{job['document_id']}").text
    for page in (archivist, staff):
        assert offered not in page
        assert "没有可下载的原件：目录中有这份文件的记录，但它的原件" in page
    assert 'href="/ui/ingest">打开“数字化”页</a>' in archivist
    assert "请联系档案管理员上传" in staff
    assert "/ui/ingest" not in staff.split('id="not-uploaded"')[1].split("</p>")[0]
    assert offered in uploaded
    assert "没有可下载的原件" not in uploaded
    hidden = _file(people["wang"], "和解协议（未上传）", security="confidential")
    asked = {document_id: people["li"].get(f"/ingest/documents/{document_id}/original/uploaded")
             for document_id in (catalogued, job["document_id"], hidden)}
    assert [(answer.status_code, answer.json().get("uploaded", answer.json().get("code")))
            for answer in asked.values()] == [(200, False), (200, True),
                                              (404, "unknown_document")]


def test_the_document_page_learns_an_original_was_never_uploaded_from_its_reading(
        server: ArchiveServer, people: dict[str, httpx.Client]) -> None:
    catalogued = _file(people["wang"], "只有目录记录的报修单")
    reading = people["li"].get(f"/ingest/documents/{catalogued}/reading")
    assert (reading.status_code, reading.json()["code"], reading.json()["uploaded"]) == (
        404, "no_text", False)
    admin = server.add_user("ops", "admin")
    asked_before = _requests_for(server, admin, "/original/uploaded")
    with closing(signed_in(server.url, "li")) as li:
        page = li.get(f"/ui/documents/{catalogued}").text
    assert "没有可下载的原件：目录中有这份文件的记录，但它的原件" in page
    # One call fewer for each view: the reading the page asks for says it.
    assert _requests_for(server, admin, "/original/uploaded") == asked_before


def _requests_for(server: ArchiveServer, admin_token: str, route_end: str) -> float:
    """How many requests the archive has answered on routes ending with ``route_end``
    (its metrics)."""
    with server.client(admin_token) as admin:
        scraped = admin.get("/metrics")
    assert scraped.status_code == 200, scraped.text
    return sum(sample.value for family in text_string_to_metric_families(scraped.text)
               for sample in family.samples
               if sample.name == "archive_http_request_duration_seconds_count"
               and sample.labels.get("route", "").endswith(route_end))
