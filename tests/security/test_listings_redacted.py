"""Every listing and export, read by someone cleared below some of its documents (issue
14, reliability promise 7): a confidential document's id, hash, archive number and title
appear nowhere in what they get. Listings that need not count it leave it out; registers
that must be complete (sweeps, destruction registers and handovers' transfer lists and
their PDF and CSV, the loan register, the audit log, fixity findings) keep its row,
redacted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pypdfium2 as pdfium
import pytest

from tests.security.conftest import Secured
from tests.security.support import (
    DUE,
    People,
    destruction_register,
    digital_pdf,
    file_document,
    leaked,
    uploaded,
)
from tests.support.waiting import eventually

POLL_S = 60.0

pytestmark = pytest.mark.shared_server
"""One server per backend for the listings a test can read for what it filed itself
(its own documents, job, hold, loan, changes, households, matches) or counts before and
after it files; a test whose listing has redacted rows of everything in the archive
(fixity findings, sweeps, destruction registers) has its own: one redacted row is not
told from another."""


def _own(records: list[dict[str, Any]], *documents: dict[str, Any]) -> list[str]:
    """The ids of ``documents`` among ``records``, in the order listed."""
    ids = {document["document_id"] for document in documents}
    return [record["document_id"] for record in records if record["document_id"] in ids]


def _confidential(people: People, **fields: Any) -> dict[str, Any]:
    return file_document(people["wang"], security="confidential", title="和解协议（机密）",
                         **fields)


def _clean(response: httpx.Response, secret: dict[str, Any]) -> Any:
    assert response.status_code == 200, response.text
    assert leaked(response.text, secret) == []
    return response.json()


def test_the_catalogue_and_fixity_listings_leave_it_out(secured: Secured, people: People
                                                        ) -> None:
    secret = _confidential(people)
    shown = file_document(people["wang"])
    listed = _clean(people["low"].get("/registry/documents", params={"limit": 1000}), secret)
    entries = _clean(people["low"].get("/registry/fixity/documents", params={"limit": 1000}),
                     secret)["entries"]
    assert _own(listed, secret, shown) == [shown["document_id"]]
    assert _own(entries, secret, shown) == [shown["document_id"]]
    numbers = people["low"].get("/registry/fixity/numbers")
    assert (numbers.status_code, numbers.json()["code"]) == (403, "above_clearance")


@pytest.mark.usefixtures("ingest_worker")
def test_ingest_jobs_and_originals_leave_it_out(secured: Secured, people: People,
                                                tmp_path: Path) -> None:
    job = uploaded(people["wang"], digital_pdf(tmp_path, "机密 和解协议 条款"),
                   security="confidential")
    assert job["status"] == "done", job
    secret = people["wang"].get(f"/registry/documents/{job['document_id']}").json()
    listed = _clean(people["low"].get("/ingest/jobs"), secret)
    assert [j for j in listed if j["job_id"] == job["job_id"]] == []
    for path in (f"/ingest/jobs/{job['job_id']}", f"/ingest/originals/{job['sha256']}"):
        hidden = people["low"].get(path)
        assert hidden.status_code == 404
        assert leaked(hidden.text, secret) == []


@pytest.mark.own_server  # checks every document
def test_fixity_findings_about_it_are_redacted_rows(secured: Secured, people: People) -> None:
    secret = _confidential(people)  # filed without an original: a finding names it
    run = people["low"].post("/ingest/fixity").json()
    done = eventually(lambda: (r := people["low"].get(f"/ingest/fixity/{run['run_id']}").json())[
        "status"] == "done" and r, timeout_s=POLL_S, what="the fixity run did not finish")
    assert leaked(str(done), secret) == []
    assert [(f["kind"], f["redacted"]) for f in done["findings"]] == [
        ("original_missing", True)]
    full = people["wang"].get(f"/ingest/fixity/{run['run_id']}").json()
    assert [f["document_id"] for f in full["findings"]] == [secret["document_id"]]


@pytest.mark.own_server  # sweeps everything due
def test_a_sweep_shows_it_as_a_counted_redacted_row(secured: Secured, people: People) -> None:
    secret = _confidential(people, **DUE)
    shown = file_document(people["wang"], **DUE)
    sweep = people["qin"].post("/registry/sweeps", json={}).json()
    seen = _clean(people["qiu"].get(f"/registry/sweeps/{sweep['sweep_id']}"), secret)
    assert sorted((i["redacted"], i["document_id"]) for i in seen["items"]) == [
        (False, shown["document_id"]), (True, "")]
    dry = _clean(people["qiu"].post("/registry/sweeps", json={"dry_run": True}), secret)
    assert dry["items"] == []  # both are in the sweep above already


@pytest.mark.own_server  # sweeps everything due
def test_a_destruction_register_and_its_exports_show_it_redacted(
        secured: Secured, people: People) -> None:
    secret = _confidential(people, **DUE)
    shown = file_document(people["wang"], **DUE)
    register = destruction_register(secured, people, [secret, shown])
    base = f"/registry/destructions/{register['destruction_id']}"
    seen = _clean(people["qiu"].get(base), secret)
    assert sorted(i["redacted"] for i in seen["items"]) == [False, True]
    csv = people["qiu"].get(f"{base}/register.csv")
    assert (csv.status_code, leaked(csv.content.decode("utf-8-sig"), secret)) == (200, [])
    assert len(csv.content.decode("utf-8-sig").strip().splitlines()) == 3
    pdf = people["qiu"].get(f"{base}/register.pdf")
    document = pdfium.PdfDocument(pdf.content)
    text = "".join(document[n].get_textpage().get_text_bounded() for n in range(len(document)))
    assert leaked("".join(text.split()), secret) == []
    refused = people["qiu"].post(f"{base}/witness", json={"password": "correct horse battery"})
    assert (refused.status_code, refused.json()["code"]) == (403, "items_not_visible")


def test_a_handover_and_its_transfer_list_show_it_redacted_naming_not_its_household(
        secured: Secured, people: People) -> None:
    secret = _confidential(people, household="C-0101")  # a household made by it (D1)
    shown = file_document(people["wang"], household="E-1201")
    people["sun"]  # the receiving archivist exists before the handover names them
    drawn_up = people["wang"].post("/registry/handovers", json={
        "service_centre": "第一客户服务中心", "handed_over_by": "wang", "received_by": "sun",
        "households": ["E-1201", "C-0101"]})
    assert drawn_up.status_code == 201, drawn_up.text
    base = f"/registry/handovers/{drawn_up.json()['handover_id']}"
    seen = _clean(people["low"].get(base), secret)
    assert "C-0101" not in str(seen)
    assert [(i["redacted"], i["document_id"], i["household"]) for i in seen["items"]] == [
        (False, shown["document_id"], "E-1201"), (True, "", None)]
    csv = people["low"].get(f"{base}/transfer-list.csv").content.decode("utf-8-sig")
    assert (leaked(csv, secret), "C-0101" in csv) == ([], False)
    pdf = pdfium.PdfDocument(people["low"].get(f"{base}/transfer-list.pdf").content)
    text = "".join("".join(pdf[n].get_textpage().get_text_bounded().split())
                   for n in range(len(pdf)))
    assert (leaked(text, secret), "C-0101" in text) == ([], False)


def test_a_hold_lists_only_what_the_reader_may_know_and_counts_the_rest(
        secured: Secured, people: People) -> None:
    secret = _confidential(people)
    shown = file_document(people["wang"])
    placed = people["qin"].post("/registry/holds", json={
        "reason": "诉讼保全", "documents": [secret["document_id"], shown["document_id"]]})
    assert placed.status_code == 201, placed.text
    [hold] = [hold for hold in _clean(people["qiu"].get("/registry/holds"), secret)
              if hold["hold_id"] == placed.json()["hold_id"]]
    assert (hold["documents"], hold["documents_withheld"]) == ([shown["document_id"]], 1)
    asked = people["qiu"].get("/registry/holds", params={"document_id": secret["document_id"]})
    assert asked.json() == []


def test_the_loan_register_counts_it_without_naming_it(secured: Secured, people: People
                                                       ) -> None:
    secret = _confidential(people)
    for username in ("li", "zhou", "zhao"):
        people[username]  # the borrower and the approvers exist before the request
    response = people["wang"].post("/registry/loans", json={
        "documents": [secret["document_id"]], "kind": "digital", "purpose": "核对",
        "reason": "客户查询", "borrower": "li"})
    assert response.status_code == 201, response.text
    [loan] = [loan for loan in _clean(people["low"].get("/registry/loans"), secret)
              if loan["loan_id"] == response.json()["loan_id"]]
    assert [(d["redacted"], d["security"]) for d in loan["documents"]] == [
        (True, "confidential")]


def test_the_yearly_statistics_count_it_for_the_archives_own_people_and_no_admin(
        secured: Secured, people: People) -> None:
    """O2 is the archive's report: an archivist or compliance officer cleared for ordinary
    gets the whole archive's figures, as their registers count the document too (a
    redacted row); the admin, whose role is accounts, gets none."""
    before = people["wang"].get("/registry/statistics").json()
    secret = _confidential(people)
    file_document(people["wang"])
    whole = _clean(people["wang"].get("/registry/statistics"), secret)
    assert (whole["received"], whole["holdings"]) == tuple(
        {"total": before[figure]["total"] + 2, "by_category": {
            **before[figure]["by_category"],
            "correspondence": before[figure]["by_category"].get("correspondence", 0) + 2}}
        for figure in ("received", "holdings"))
    for username in ("low", "qiu"):
        assert _clean(people[username].get("/registry/statistics"), secret) == whole, username
    refused = people["root"].get("/registry/statistics")
    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")


def test_the_change_feed_read_by_an_admin_leaves_it_out(secured: Secured, people: People
                                                        ) -> None:
    secret = _confidential(people)
    shown = file_document(people["wang"])
    page = _clean(people["root"].get("/registry/changes", params={"limit": 1000}), secret)
    filed = [c["event"]["document"]["document_id"] for c in page["changes"]
             if c["event"]["kind"] == "document_filed" and c["event"]["document"][
                 "document_id"] in (secret["document_id"], shown["document_id"])]
    assert filed == [shown["document_id"]]


def test_the_audit_log_redacts_its_entries_in_place(secured: Secured, people: People) -> None:
    secret = _confidential(people)
    entries = _clean(people["qiu"].get("/registry/audit", params={"limit": 1000}), secret)
    assert {"redacted": True} in [e["detail"] for e in entries if e["action"] == "filed"]
    asked = [people["qiu"].get("/registry/audit", params={"document_id": named})
             for named in (secret["document_id"], secret["archive_no"], "not-a-document")]
    assert [(answer.status_code, answer.json()["code"]) for answer in asked] == [
        (404, "unknown_document")] * 3  # above the reader's clearance: as if none (D1)
    seqs = [e["seq"] for e in entries]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_search_counts_nothing_it_may_not_show(secured: Secured, people: People) -> None:
    """Every confidential document of the module is titled 和解协议: none is counted."""
    secret = _confidential(people, category="contract")
    eventually(lambda: secret["document_id"] in str(people["wang"].get(
        "/search/documents", params={"q": "和解协议", "size": 100}).json()["hits"]),
        timeout_s=POLL_S, what="the confidential document was not indexed")
    found = _clean(people["ma"].get("/search/documents", params={"q": "和解协议"}), secret)
    assert (found["total"], found["hits"], found["facets"]["category"]) == (0, [], {})
    listing = people["ma"].get("/search/households/A-1201/documents")
    assert leaked(listing.text, secret) == []


def test_a_hold_of_only_documents_it_may_not_know_is_a_redacted_row_its_reason_withheld(
        secured: Secured, people: People) -> None:
    secret = _confidential(people, household="F-1201")  # the household's only document
    placed = people["qin"].post("/registry/holds", json={
        "reason": "诉讼保全 凤凰案", "documents": [secret["document_id"]]}).json()
    household = people["qin"].post("/registry/holds", json={
        "reason": "户内纠纷 青龙案", "household": "F-1201"}).json()
    released = people["qin"].post(f"/registry/holds/{placed['hold_id']}/release",
                                  json={"note": "凤凰案已和解"})
    assert released.status_code == 200, released.text
    holds = {hold["hold_id"]: hold for hold in people["qiu"].get("/registry/holds").json()}
    entries = people["qiu"].get("/registry/audit", params={"limit": 1000})
    assert "凤凰案" not in entries.text
    assert {key: holds[placed["hold_id"]][key] for key in (
        "reason", "release_note", "documents", "documents_withheld", "redacted")} == {
        "reason": "", "release_note": None, "documents": [], "documents_withheld": 1,
        "redacted": True}
    assert (holds[household["hold_id"]]["reason"], holds[household["hold_id"]]["redacted"]) == (
        "户内纠纷 青龙案", False)
    own = [entry["detail"] for entry in entries.json()
           if entry["action"] in ("hold_placed", "hold_released")
           and entry["document_id"] is None]
    assert {"redacted": True} in own
    assert any(detail.get("reason") == "户内纠纷 青龙案" for detail in own)
    cleared = people["qin"].get("/registry/holds").json()
    assert {hold["hold_id"]: hold["reason"] for hold in cleared}[placed["hold_id"]] == \
        "诉讼保全 凤凰案"
