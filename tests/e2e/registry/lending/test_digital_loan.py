"""B2 end to end, over HTTP on embedded defaults: a confidential document's text is read
only through an approved, issued digital loan, view-only, until it is returned; every step
is in the audit log, whose chain verifies."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from contextlib import closing
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.e2e.ingest.support import wait_for_job
from tests.fixtures.app import ArchiveServer, Person, module_archive_server
from tests.support.pages import signed_in
from tests.support.rendering import LINES, write_digital_pdf

JOB_TIMEOUT_S = 90.0


server = module_archive_server()


@pytest.fixture(scope="module")
def people(server: ArchiveServer) -> dict[str, httpx.Client]:
    return server.clients(
        Person("li", "staff", clearance="confidential", department="customer_service"),
        Person("ma", "staff", department="customer_service"),
        Person("zhou", "manager", clearance="secret", department="customer_service"),
        Person("hu", "manager", clearance="confidential",
               department="customer_service"),  # heads zhou's own loans, cleared (B3)
        Person("tang", "manager", department="customer_service"),  # cleared for ordinary
        Person("zhao", "director", clearance="secret", department="management"),
        Person("wang", "archivist", clearance="secret", department="archive"),
        Person("qin", "compliance", clearance="secret", department="archive"),
    )


@pytest.fixture(scope="module")
def registered(people: dict[str, httpx.Client]) -> str:
    """A confidential document in the catalogue only (for tests that do not read it)."""
    response = people["wang"].post("/registry/documents", json={
        "sha256": hashlib.sha256(b"confidential settlement").hexdigest(),
        "household": "A-1201", "category": "correspondence", "title": "和解协议（机密）",
        "filed_at": "2023-11-02", "security": "confidential",
        "media_type": "application/pdf", "size_bytes": 4096})
    assert response.status_code == 201, response.text
    return str(response.json()["document_id"])


SHANGHAI = ZoneInfo("Asia/Shanghai")
"""The company's clocks (``ARCHIVE_TIME_ZONE`` unset)."""


def _file_confidential(archivist: httpx.Client, directory: Path) -> str:
    """Upload a confidential digital PDF and wait until it is filed; its document id."""
    pdf = write_digital_pdf(directory / "lease.pdf", [LINES["simplified"][:2]])
    metadata = {"household": "A-1201", "category": "contract", "title": "租赁合同（机密）",
                "filed_at": "2023-09-01", "security": "confidential"}
    response = archivist.post("/ingest/documents", data={"metadata": json.dumps(metadata)},
                              files={"file": ("lease.pdf", pdf.read_bytes(), "application/pdf")})
    assert response.status_code == 202, response.text
    job = wait_for_job(archivist, response.json()["job_id"], timeout_s=JOB_TIMEOUT_S)
    assert job["status"] == "done", job
    return str(job["document_id"])


_requests = itertools.count(1)


def _requested(client: httpx.Client, document_id: str, kind: str) -> dict[str, Any]:
    """A request of its own (its reason numbered: the same request again while the first
    waits is refused ``already_requested``)."""
    response = client.post("/registry/loans", json={
        "documents": [document_id], "kind": kind, "purpose": "核对",
        "reason": f"查询 {next(_requests)}"})
    assert response.status_code == 201, response.text
    loan: dict[str, Any] = response.json()
    return loan


def _move(client: httpx.Client, loan_id: str, move: str, body: Any = None) -> dict[str, Any]:
    response = client.post(f"/registry/loans/{loan_id}/{move}", json=body)
    assert response.status_code == 200, response.text
    loan: dict[str, Any] = response.json()
    return loan


def test_a_digital_loan_opens_a_confidential_text_view_only_until_returned(
        people: dict[str, httpx.Client], tmp_path: Path) -> None:
    li, wang = people["li"], people["wang"]
    document_id = _file_confidential(wang, tmp_path)
    text = f"/ingest/documents/{document_id}/text"
    original = f"/ingest/documents/{document_id}/original"
    before = li.get(text)

    asked = li.post("/registry/loans", json={
        "documents": [document_id], "kind": "digital", "purpose": "核对租期",
        "reason": "业主来电询问续租条款"})
    assert asked.status_code == 201, asked.text
    loan = asked.json()
    assert (loan["status"], loan["approvals_needed"]) == (
        "requested", ["manager", "director", "archivist"])
    loan_id = loan["loan_id"]
    for approver, awaited in (("zhou", {"zhou", "hu"}), ("zhao", {"zhao"}), ("wang", {"wang"})):
        for username, client in people.items():
            # Each step is in its approvers' inboxes (either head of li's department for
            # the first), and in nobody else's.
            inbox = client.get("/registry/loans/", params={"awaiting": "me"}).json()
            assert (loan_id in [found["loan_id"] for found in inbox]) == (
                username in awaited), username
            counted = client.get("/registry/loans/awaiting-count").json()
            assert counted == {"awaiting": len(inbox)}, username
        loan = _move(people[approver], loan_id, "approve", {"note": "同意"})
    assert loan["status"] == "approved"
    loan = _move(wang, loan_id, "issue")
    # Due by the end of the seventh day after issue, on the company's clocks.
    issued = datetime.fromisoformat(loan["issued_at"]).astimezone(SHANGHAI)
    due = datetime.fromisoformat(loan["due_at"]).astimezone(SHANGHAI)
    assert (loan["status"], due.date() - issued.date(), due.time()) == (
        "out", timedelta(days=7), time(23, 59, 59))
    _move(li, loan_id, "acknowledge")

    during, download = li.get(text), li.get(original)
    _move(wang, loan_id, "return", {"intact": True})
    after = li.get(text)

    assert (before.status_code, before.json()["code"]) == (403, "needs_grant")
    assert (during.status_code, during.json()["view_only"]) == (200, True)
    assert during.json()["pages"][0]["text"]
    assert (download.status_code, download.json()["code"]) == (403, "view_only")
    assert (after.status_code, after.json()["code"]) == (403, "needs_grant")

    audit = people["qin"].get("/registry/audit/", params={"document_id": document_id,
                                                         "limit": 1000})
    steps = [(e["action"], e["username"], e["outcome"]) for e in audit.json()]
    assert [step for step in steps if step[0] != "filed"] == [
        ("read_text", "li", "refused"),
        ("loan_requested", "li", "allowed"),
        ("loan_approved", "zhou", "allowed"),
        ("loan_approved", "zhao", "allowed"),
        ("loan_approved", "wang", "allowed"),
        ("loan_issued", "wang", "allowed"),
        ("loan_acknowledged", "li", "allowed"),
        ("read_text", "li", "allowed"),
        ("download", "li", "refused"),
        ("loan_returned", "wang", "allowed"),
        ("read_text", "li", "refused"),
    ]
    assert people["qin"].get("/registry/audit/verify").json()["intact"] is True


def test_an_illegal_move_over_http_is_a_409_with_its_code(
        people: dict[str, httpx.Client], registered: str) -> None:
    loan = _requested(people["li"], registered, "digital")
    response = people["wang"].post(f"/registry/loans/{loan['loan_id']}/issue")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


def test_approving_ones_own_loan_over_http_is_a_403(
        people: dict[str, httpx.Client], registered: str) -> None:
    loan = _requested(people["zhou"], registered, "paper")
    response = people["zhou"].post(f"/registry/loans/{loan['loan_id']}/approve")
    assert (response.status_code, response.json()["code"]) == (403, "own_loan")


def test_someone_elses_loan_reveals_nothing_to_a_staff_member(
        people: dict[str, httpx.Client], registered: str) -> None:
    loan = _requested(people["li"], registered, "digital")
    loan_path = f"/registry/loans/{loan['loan_id']}"
    answers = [people["ma"].get(loan_path), people["ma"].post(f"{loan_path}/approve"),
               people["ma"].post(f"{loan_path}/issue")]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (404, "unknown_loan"), (403, "role_required"), (403, "role_required")]


def test_the_loan_page_says_in_chinese_who_approves_a_step_above_the_approvers_clearance(
        server: ArchiveServer, people: dict[str, httpx.Client], registered: str) -> None:
    """B3: a department head not cleared for the loan's documents does not approve it;
    the page says how many documents and the clearance needed, not which."""
    loan = _requested(people["li"], registered, "digital")
    with closing(signed_in(server.url, "tang")) as page:
        answered = page.post(f"/ui/loans/{loan['loan_id']}/approve",
                             data={"_csrf_token": page.cookies["archive_csrf"], "note": ""})
        shown = page.get(answered.headers["location"])
    assert answered.status_code == 303
    assert "refused=above_clearance&above=1&needed=confidential" in answered.headers["location"]
    assert "这笔借阅含有 1 份您无权查看的档案，须由具有“机密”密级权限的人审批或办理" in shown.text
    assert "和解协议（机密）" not in shown.text


def test_a_loan_whose_external_reader_was_recorded_blank_before_the_rule_still_reads(
        server: ArchiveServer, people: dict[str, httpx.Client], registered: str) -> None:
    """An external reader's name of blanks alone was recorded before such names were
    refused: the loan still answers, and its page shows, as it was recorded."""
    reader = {"name": "赵六", "organisation": "物业公司", "id_document": "身份证 1234",
              "introduction_letter": "介绍信 7 号"}
    response = people["li"].post("/registry/loans", json={
        "documents": [registered], "kind": "paper", "purpose": "核对",
        "reason": f"查询 {next(_requests)}", "external": reader})
    assert response.status_code == 201, response.text
    loan_id = response.json()["loan_id"]
    blank = {**reader, "name": "\u3000\u200b"}
    with closing(sqlite3.connect(server.settings.data_dir / "registry.db")) as db, db:
        db.execute("UPDATE loans SET external = ? WHERE loan_id = ?",
                   (json.dumps(blank), loan_id))
    refused = people["li"].post("/registry/loans", json={
        "documents": [registered], "kind": "paper", "purpose": "核对",
        "reason": f"查询 {next(_requests)}", "external": blank})
    read = people["li"].get(f"/registry/loans/{loan_id}")
    with closing(signed_in(server.url, "li")) as page:
        shown = page.get(f"/ui/loans/{loan_id}")
    assert (refused.status_code, refused.json()["errors"][0]["key"]) == (
        400, "external.name")
    assert (read.status_code, read.json()["external"]) == (200, blank)
    assert shown.status_code == 200
    assert "物业公司" in shown.text
