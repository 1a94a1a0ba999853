"""B4 end to end: a paper loan held 16 days is escalated by the registry itself, once,
across restarts; the department head and the archive see the notification; and
``archive loans --escalated`` prints it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from services.cli import main
from services.common.clock import FixedClock
from tests.fixtures.app import ArchiveServer, launch_archive_server


@dataclass
class Escalated:
    server: ArchiveServer
    """The registry after its second restart."""
    tokens: dict[str, str]
    loan: dict[str, Any]

    def client(self, username: str) -> httpx.Client:
        return self.server.client(self.tokens[username])


def _register(archivist: httpx.Client) -> str:
    response = archivist.post("/registry/documents", json={
        "sha256": hashlib.sha256(b"decoration deposit receipt").hexdigest(),
        "household": "A-1201", "category": "decoration", "title": "二装押金收据",
        "filed_at": "2023-05-10", "media_type": "application/pdf", "size_bytes": 2048})
    assert response.status_code == 201, response.text
    return str(response.json()["document_id"])


@pytest.fixture(scope="module")
def escalated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Escalated]:
    root: Path = tmp_path_factory.mktemp("escalation")
    clock = FixedClock(datetime.now(UTC))
    server = launch_archive_server(root, clock=clock)
    try:
        tokens = {
            "li": server.add_user("li", "staff", department="customer_service"),
            "zhou": server.add_user("zhou", "manager", department="customer_service"),
            "qian": server.add_user("qian", "manager", department="engineering"),
            "wang": server.add_user("wang", "archivist", department="archive"),
            "root": server.add_user("root", "admin"),
        }
        wang = server.client(tokens["wang"])
        loan = server.client(tokens["li"]).post("/registry/loans", json={
            "documents": [_register(wang)], "kind": "paper", "purpose": "核对押金",
            "reason": "业主申请退还装修押金"}).json()
        server.client(tokens["zhou"]).post(f"/registry/loans/{loan['loan_id']}/approve")
        wang.post(f"/registry/loans/{loan['loan_id']}/approve")
        assert wang.post(f"/registry/loans/{loan['loan_id']}/issue").status_code == 200
    finally:
        server.server.stop()
    clock.advance(timedelta(days=16))
    for _restart in range(2):
        server = launch_archive_server(root, clock=clock)
        server.server.stop()
    server = launch_archive_server(root, clock=clock)
    yield Escalated(server=server, tokens=tokens, loan=loan)
    server.server.stop()


def test_a_loan_held_sixteen_days_is_escalated_once_across_restarts(escalated: Escalated
                                                                    ) -> None:
    found = escalated.client("wang").get("/registry/loans/",
                                         params={"escalated": "true"}).json()
    assert [(loan["loan_id"], loan["overdue"]) for loan in found] == [
        (escalated.loan["loan_id"], True)]
    feed = escalated.server.client(escalated.server.service_token())
    changes = feed.get("/registry/changes", params={"after": 0}).json()["changes"]
    assert [c["event"]["change"] for c in changes
            if c["event"]["kind"] == "loan_changed"].count("escalated") == 1


@pytest.mark.parametrize(("username", "kinds"), [
    ("zhou", ["loan_escalated"]), ("wang", ["loan_escalated"]), ("qian", []),
    # The borrower was told of the approval, reminded once the loan was past due, and
    # told to return the file at the escalation.
    ("li", ["loan_approved", "loan_overdue", "loan_past_due"])])
def test_the_department_head_the_archive_and_the_borrower_are_notified(
        escalated: Escalated, username: str, kinds: list[str]) -> None:
    found = escalated.client(username).get("/registry/notifications/").json()
    assert sorted((n["kind"], n["loan_id"]) for n in found) == [
        (kind, escalated.loan["loan_id"]) for kind in kinds]


def test_the_notification_is_unread_until_its_recipient_marks_it_read(
        escalated: Escalated) -> None:
    qian, zhou = escalated.client("qian"), escalated.client("zhou")
    unread = zhou.get("/registry/notifications/", params={"unread": "true"}).json()
    assert [(n["loan_id"], n["read_at"]) for n in unread] == [
        (escalated.loan["loan_id"], None)]
    assert zhou.get("/registry/notifications/unread").json() == {"unread": 1}
    ids = [n["notification_id"] for n in unread]
    # Someone else's id is not theirs to mark: nothing changes.
    assert qian.post("/registry/notifications/read", json={"ids": ids}).json() == {
        "unread": 0}
    assert zhou.get("/registry/notifications/unread").json() == {"unread": 1}
    for body in ({}, {"ids": ids, "all": True}):
        refused = zhou.post("/registry/notifications/read", json=body)
        assert (refused.status_code, refused.json()["code"]) == (422, "ids_or_all")
    assert zhou.post("/registry/notifications/read", json={"ids": ids}).json() == {
        "unread": 0}
    assert zhou.get("/registry/notifications/", params={"unread": "true"}).json() == []
    read = zhou.get("/registry/notifications/", params={"unread": "false"}).json()
    assert [n["notification_id"] for n in read] == ids
    assert read[0]["read_at"] is not None
    # wang's copy of the same notice is wang's own, still unread.
    assert escalated.client("wang").get("/registry/notifications/unread").json() == {
        "unread": 1}


def test_archive_loans_escalated_prints_the_register(escalated: Escalated) -> None:
    result = CliRunner().invoke(main, [
        "loans", "--escalated", "--server", escalated.server.url,
        "--token", escalated.tokens["wang"]], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert escalated.loan["loan_id"][:8] in result.output
    assert "escalated" in result.output



def test_departure_with_the_loan_still_out_is_refused_with_the_list(escalated: Escalated
                                                                    ) -> None:
    response = escalated.client("root").post("/registry/users/li/deactivate")
    body = response.json()
    assert (response.status_code, body["code"], body["loans"]) == (
        409, "open_loans", [escalated.loan["loan_id"]])


@pytest.mark.parametrize("out_of_range", [0, -1, 2**63, 99999999999999999999999])
def test_a_notification_id_no_row_could_have_is_refused_as_the_request_not_by_the_database(
        escalated: Escalated, out_of_range: int) -> None:
    refused = escalated.client("zhou").post("/registry/notifications/read",
                                            json={"ids": [out_of_range]})
    problem = refused.json()
    assert (refused.status_code, problem["code"]) == (400, "invalid_request")
    assert "ids" in problem["detail"]
    assert "SQLite" not in problem["detail"]
    assert "Python" not in problem["detail"]
