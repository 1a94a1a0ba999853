"""B5 over HTTP: a return not intact opens an incident; an archivist resolves it once
with what was done, which the loan and the document's audit trail then show; anyone
else, an unknown incident, a blank note and a second resolution get a 4xx with a code."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from tests.fixtures.app import ArchiveServer, Person, module_archive_server

server = module_archive_server()


@pytest.fixture(scope="module")
def people(server: ArchiveServer) -> dict[str, httpx.Client]:
    return server.clients(
        Person("li", "staff", department="customer_service"),
        Person("zhou", "manager", department="customer_service"),
        Person("wang", "archivist", department="archive"),
        Person("sun", "archivist", department="archive"),
        Person("qin", "compliance", clearance="secret", department="archive"),
    )


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def damaged(people: dict[str, httpx.Client]) -> dict[str, Any]:
    """A paper loan to li returned damaged by wang: its incident, and the document."""
    document = _ok(people["wang"].post("/registry/documents", json={
        "sha256": hashlib.sha256(b"repair record 1201").hexdigest(),
        "household": "A-1201", "category": "repair", "title": "卫生间漏水维修记录",
        "filed_at": "2023-11-02", "media_type": "application/pdf", "size_bytes": 4096}), 201)
    loan = _ok(people["li"].post("/registry/loans", json={
        "documents": [document["document_id"]], "kind": "paper", "purpose": "核对",
        "reason": "业主来电"}), 201)
    for username, move, body in (("zhou", "approve", {}), ("wang", "approve", {}),
                                 ("wang", "issue", {}),
                                 ("wang", "return", {"intact": False, "note": "封皮破损"})):
        _ok(people[username].post(f"/registry/loans/{loan['loan_id']}/{move}", json=body))
    incidents = _ok(people["wang"].get("/registry/incidents", params={"open": "true"}))
    incident = next(i for i in incidents if i["loan_id"] == loan["loan_id"])
    return {"incident": incident, "document_id": document["document_id"]}


def test_refusals_are_4xx_with_their_codes(people: dict[str, httpx.Client],
                                           damaged: dict[str, Any]) -> None:
    path = f"/registry/incidents/{damaged['incident']['incident_id']}/resolve"
    refused = [
        people["zhou"].post(path, json={"note": "已处理"}),
        people["li"].post(path, json={"note": "已处理"}),
        people["sun"].post("/registry/incidents/no-such-incident/resolve",
                           json={"note": "已处理"}),
        people["sun"].post(path, json={"note": "   "}),
        people["sun"].post(path, json={}),
    ]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [
        (403, "role_required"), (403, "role_required"), (404, "unknown_incident"),
        (400, "invalid_request"), (400, "invalid_request")]


def test_an_archivist_resolves_it_once_and_the_loan_and_audit_show_it(
        people: dict[str, httpx.Client], damaged: dict[str, Any]) -> None:
    incident = damaged["incident"]
    path = f"/registry/incidents/{incident['incident_id']}/resolve"
    resolved = _ok(people["sun"].post(path, json={"note": "已送修复，借阅人签字确认"}))
    assert (resolved["resolved_by"], resolved["resolution"]) == ("sun", "已送修复，借阅人签字确认")
    assert resolved["resolved_at"]
    again = people["wang"].post(path, json={"note": "再次处理"})
    assert (again.status_code, again.json()["code"]) == (409, "incident_resolved")

    loan = _ok(people["li"].get(f"/registry/loans/{incident['loan_id']}"))
    assert loan["incidents"] == [resolved]
    still_open = _ok(people["wang"].get("/registry/incidents", params={"open": "true"}))
    closed = _ok(people["wang"].get("/registry/incidents", params={"open": "false"}))
    assert incident["incident_id"] not in {i["incident_id"] for i in still_open}
    assert resolved in closed
    audit = _ok(people["qin"].get(f"/registry/documents/{damaged['document_id']}/audit"))
    assert ("loan_incident_resolved", "sun", "allowed") in [
        (e["action"], e["username"], e["outcome"]) for e in audit]
    assert _ok(people["qin"].get("/registry/audit/verify"))["intact"] is True
