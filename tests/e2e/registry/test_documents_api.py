"""Catalogue routes over HTTP: registration, records, a household's file, corrections,
access decisions through the registry client."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import closing

import pytest

from services.common.clients.registry import RegistryClient
from services.common.contracts.registry import AccessAnswer
from services.common.errors import Forbidden
from tests.e2e.registry.conftest import document_body, registered
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.pages import signed_in

server = module_archive_server()
"""One archive for the tests that read only what they filed, each under its own
usernames and, where numbers or a household's file are asserted, its own household. The
review queue and the corrections queue are the whole archive's: the tests of those have an
archive of their own (``archive_server``)."""


def test_new_bytes_are_registered_201_and_the_same_bytes_again_answer_200(
        server: ArchiveServer) -> None:
    body = document_body(household="D-0101")
    with server.client(server.service_token()) as client:
        first = client.post("/registry/documents", json=body)
        again = client.post("/registry/documents", json=body)
        renamed = client.post("/registry/documents", json={**body, "title": "另一个标题"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (renamed.status_code, renamed.json()["code"], renamed.json()["fields"]) == (
        409, "filed_differently", ["title"])
    assert first.json()["archive_no"] == "2024-correspondence-D-0101-0001"
    assert first.json()["filed_by"] == "wang"


def test_the_catalogue_record_carries_the_public_fields(server: ArchiveServer) -> None:
    token = server.add_user("li.record", "staff")
    filed = registered(server, category="repair", household="D-0102")
    with server.client(token) as client:
        record = client.get(f"/registry/documents/{filed['document_id']}").json()
    assert {k: record[k] for k in ("archive_no", "household", "category", "filed_at",
                                   "security", "retention_class", "disposal_due", "pages")} == {
        "archive_no": "2024-repair-D-0102-0001", "household": "D-0102", "category": "repair",
        "filed_at": "2024-03-01", "security": "ordinary", "retention_class": "short",
        "disposal_due": "2034-03-01", "pages": 3}


@pytest.mark.parametrize(("fields", "code"), [
    ({"category": "letters"}, "unknown_category"),
    ({"household": "12-A"}, "invalid_household"),
    ({"household": None}, "household_required"),
])
def test_a_bad_registration_is_422_with_a_code(server: ArchiveServer,
                                               fields: dict[str, object], code: str) -> None:
    with server.client(server.service_token()) as client:
        response = client.post("/registry/documents", json=document_body(**fields))
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_staff_cannot_register_documents_and_the_refusal_is_audited(
        server: ArchiveServer) -> None:
    staff = server.add_user("li.refused", "staff")
    compliance = server.add_user("qian", "compliance")
    with server.client(staff) as client:
        response = client.post("/registry/documents", json=document_body())
    with server.client(compliance) as client:
        entries = client.get("/registry/audit", params={"username": "li.refused"}).json()
    assert (response.status_code, response.json()["code"]) == (403, "role_required")
    assert [(e["action"], e["outcome"], e["code"]) for e in entries] == [
        ("login", "allowed", None), ("filed", "refused", "role_required")]


def test_a_document_above_the_callers_clearance_is_404_like_a_missing_one(
        server: ArchiveServer) -> None:
    staff = server.add_user("li.clearance", "staff")
    secret = registered(server, security="secret")
    with server.client(staff) as client:
        hidden = client.get(f"/registry/documents/{secret['document_id']}")
        missing = client.get("/registry/documents/00000000-0000-4000-8000-000000000000")
        history = client.get(f"/registry/documents/{secret['document_id']}/history")
    assert (hidden.status_code, missing.status_code, history.status_code) == (404, 404, 404)
    assert hidden.json()["code"] == missing.json()["code"] == "unknown_document"


def test_a_households_file_is_newest_first_without_what_the_caller_may_not_see(
        server: ArchiveServer) -> None:
    staff = server.add_user("li.household", "staff")
    older = registered(server, household="D-0103", filed_at="2019-05-05")
    newer = registered(server, household="D-0103", filed_at="2023-10-10")
    registered(server, household="D-0103", filed_at="2024-01-01", security="confidential")
    with server.client(staff) as client:
        listed = client.get("/registry/documents", params={"household": "D-0103"}).json()
    assert [d["document_id"] for d in listed] == [newer["document_id"], older["document_id"]]


def test_the_review_queue_is_the_earliest_registered_first_whatever_the_filing_date(
        archive_server: ArchiveServer) -> None:
    archivist = archive_server.add_user("wang", "archivist")
    waiting = registered(archive_server, filed_at="2024-03-01")
    old_paper = registered(archive_server, filed_at="2009-06-30")
    registered(archive_server, extraction={"mean_confidence": 99.0, "pages_needing_review": [],
                                          "method": "ocr"})
    with archive_server.client(archivist) as client:
        queue = client.get("/registry/documents", params={"needs_review": "true"}).json()
    assert [d["document_id"] for d in queue] == [waiting["document_id"],
                                                 old_paper["document_id"]]


def test_correcting_a_working_document_is_202_until_a_manager_approves(
        archive_server: ArchiveServer) -> None:
    archivist = archive_server.add_user("wang", "archivist", clearance="secret")
    manager = archive_server.add_user("zhou", "manager", clearance="confidential")
    filed = registered(archive_server, working=True, category="decoration")
    with archive_server.client(archivist) as client:
        asked = client.post(f"/registry/documents/{filed['document_id']}/corrections",
                            json={"changes": {"title": "二次装修审批表（更正）"},
                                  "reason": "标题与原件不符"})
    with archive_server.client(manager) as client:
        queue = client.get("/registry/corrections", params={"status": "pending"}).json()
        approved = client.post(f"/registry/corrections/{asked.json()['correction_id']}/approve",
                               json={"note": "同意更正"})
        history = client.get(f"/registry/documents/{filed['document_id']}/history").json()
    assert asked.status_code == 202
    assert [c["correction_id"] for c in queue] == [asked.json()["correction_id"]]
    assert approved.status_code == 200
    assert [(v["version"], v["changed_by"], v["approved_by"]) for v in history] == [
        (1, "wang", None), (2, "wang", "zhou")]


def test_a_pending_correction_stored_with_a_blank_title_before_the_rule_is_listed_and_approved(
        server: ArchiveServer) -> None:
    """A title of blanks alone could be asked for before such titles were refused: the
    correction still lists, on the API and the corrections page, and approves as asked."""
    archivist = server.add_user("wang.blank", "archivist", clearance="secret")
    manager = server.add_user("zhou.blank", "manager", clearance="confidential")
    filed = registered(server, working=True, category="decoration")
    route = f"/registry/documents/{filed['document_id']}/corrections"
    with server.client(archivist) as client:
        asked = client.post(route, json={"changes": {"title": "二次装修审批表（更正）"},
                                         "reason": "标题与原件不符"})
        refused = client.post(route, json={"changes": {"title": "\u3000\u200b"},
                                           "reason": "标题与原件不符"})
    correction_id = asked.json()["correction_id"]
    with closing(sqlite3.connect(server.settings.data_dir / "registry.db")) as db, db:
        db.execute("UPDATE corrections SET changes = ? WHERE correction_id = ?",
                   (json.dumps({"title": "\u3000"}), correction_id))
    with server.client(manager) as client:
        listed = client.get("/registry/corrections",
                            params={"document_id": filed["document_id"]})
        with closing(signed_in(server.url, "zhou.blank")) as page:
            shown = page.get("/ui/corrections")
        approved = client.post(f"/registry/corrections/{correction_id}/approve",
                               json={"note": "同意更正"})
        with closing(signed_in(server.url, "zhou.blank")) as page:
            document = page.get(f"/ui/documents/{filed['document_id']}")
    assert (refused.status_code, refused.json()["errors"][0]["key"]) == (
        400, "changes.title")
    assert listed.status_code == 200
    assert [c["changes"] for c in listed.json()] == [{"title": "\u3000"}]
    assert shown.status_code == 200
    assert (approved.status_code, approved.json()["status"]) == (200, "applied")
    assert document.status_code == 200


def test_a_correction_sent_with_an_older_base_version_is_409_and_saves_nothing(
        server: ArchiveServer) -> None:
    archivist = server.add_user("wang", "archivist", clearance="secret")
    filed = registered(server)
    route = f"/registry/documents/{filed['document_id']}/corrections"
    with server.client(archivist) as client:
        first = client.post(route, json={"changes": {"title": "关于地下车位的申请函"},
                                         "reason": "按原件核对", "base_version": 1})
        stale = client.post(route, json={"changes": {"title": "关于停车位的申请函",
                                                     "filed_at": "2024-03-02"},
                                         "reason": "日期录错", "base_version": 1})
        record = client.get(f"/registry/documents/{filed['document_id']}").json()
    assert first.status_code == 201, first.text
    assert (stale.status_code, stale.json()["code"]) == (409, "stale_correction")
    assert (stale.json()["version"], stale.json()["changed_by"]) == (2, "wang")
    assert (record["version"], record["title"]) == (2, "关于地下车位的申请函")


def test_a_misfiled_document_moves_to_its_household_on_approval_with_a_new_number(
        archive_server: ArchiveServer) -> None:
    """D11: the household is corrected like any field; the number follows on approval and
    the former one stays on the record."""
    archivist = archive_server.add_user("wang", "archivist")
    manager = archive_server.add_user("zhou", "manager")
    filed = registered(archive_server, household="B-0502", category="complaint",
                      filed_at="2002-03-04")
    with archive_server.client(archivist) as client:
        asked = client.post(f"/registry/documents/{filed['document_id']}/corrections",
                            json={"changes": {"household": "B-0503", "category": "decoration",
                                              "filed_at": "2020-03-04"},
                                  "reason": "扫描时归错了户和年度"})
    with archive_server.client(manager) as client:
        [queued] = client.get("/registry/corrections", params={"status": "pending"}).json()
        approved = client.post(f"/registry/corrections/{asked.json()['correction_id']}/approve",
                               json={"note": "核对原件无误"})
        record = client.get(f"/registry/documents/{filed['document_id']}").json()
        history = client.get(f"/registry/documents/{filed['document_id']}/history").json()
    assert (asked.status_code, queued["approvers"]) == (202, ["manager"])
    assert approved.status_code == 200
    assert (record["household"], record["archive_no"], record["former_archive_nos"]) == (
        "B-0503", "2020-decoration-B-0503-0001", ["2002-complaint-B-0502-0001"])
    assert history[-1]["changes"]["archive_no"] == ["2002-complaint-B-0502-0001",
                                                    "2020-decoration-B-0503-0001"]


def test_staff_corrections_are_refused(server: ArchiveServer) -> None:
    staff = server.add_user("li.corrections", "staff")
    filed = registered(server)
    with server.client(staff) as client:
        response = client.post(f"/registry/documents/{filed['document_id']}/corrections",
                               json={"changes": {"title": "x"}, "reason": "y"})
    assert (response.status_code, response.json()["code"]) == (403, "role_required")


def _decide(server: ArchiveServer, token: str, document_id: str, action: str
            ) -> AccessAnswer:
    async def ask() -> AccessAnswer:
        client = RegistryClient(server.url, service_token=server.service_token,
                                name="registry")
        try:
            return await client.authorize(token, document_id, action)  # type: ignore[arg-type]
        finally:
            await client.close()

    return asyncio.run(ask())


def test_the_registry_client_relays_view_only_and_refusals(
        server: ArchiveServer) -> None:
    staff = server.add_user("li.relay", "staff", clearance="confidential")
    ordinary = registered(server)
    confidential = registered(server, security="confidential")
    download = _decide(server, staff, str(ordinary["document_id"]), "download")
    refused = _decide(server, staff, str(confidential["document_id"]), "read_text")
    assert (download.allowed, download.document is not None) == (True, True)
    assert (refused.allowed, refused.code) == (False, "needs_grant")
    with pytest.raises(Forbidden):
        refused.enforce()
