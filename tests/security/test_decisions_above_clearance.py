"""Clearance is the ceiling of every decision (domain.md, People; ``common.clearance``).

An admin cleared for ``ordinary`` reaches no secret reading through other accounts: no
account created, raised or taken over (password reset) above their own clearance. And
nobody decides on documents they see only redacted: a loan's approval step or its issue
(paper or digital), a legal hold's release, a handover's signature are refused (403
``above_clearance``, counting the documents and naming the clearance needed, not the
documents), and a request or handover nobody cleared could decide is refused at once.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.app import PASSWORD
from tests.security.conftest import Secured
from tests.security.support import People, file_document

pytestmark = pytest.mark.shared_server
"""One server per backend: each test decides on documents and accounts of its own (only
the first test's admin is refused anything, and no test changes a member of the cast)."""


def _refused(people: People, username: str) -> set[tuple[int, str]]:
    """The audit log's refusals of ``username``: (seq, action)."""
    entries = people["qin"].get("/registry/audit", params={"username": username,
                                                           "limit": 1000}).json()
    return {(entry["seq"], entry["action"]) for entry in entries
            if entry["outcome"] == "refused"}


def _refusal(response: httpx.Response) -> tuple[int, str, Any, Any]:
    body = response.json()
    return (response.status_code, body["code"], body.get("documents_above"),
            body.get("clearance_needed"))


def test_an_admin_creates_raises_or_resets_no_account_above_their_own_clearance(
        secured: Secured, people: People) -> None:
    root = people["root"]
    for username in ("ma", "wang"):
        people[username]  # they exist: ma ordinary, wang secret
    created = [root.post("/registry/users", json={
        "username": f"mole{number}", "roles": [role], "clearance": "secret",
        "password": "a long enough password"})
        for number, role in enumerate(("staff", "director", "archivist"))]
    raised = root.patch("/registry/users/ma", json={"clearance": "confidential"})
    reset = root.post("/registry/users/wang/password",
                      json={"new_password": "now it is mine"})
    assert [response.status_code for response in created] == [403, 403, 403]
    assert {response.json()["code"] for response in created} == {"above_own_clearance"}
    assert "an admin cleared to secret" in created[0].json()["detail"]
    assert (raised.status_code, raised.json()["code"]) == (403, "above_own_clearance")
    assert (reset.status_code, reset.json()["code"]) == (403, "above_own_clearance")
    users = {user["username"]: user for user in root.get("/registry/users").json()}
    assert not {"mole0", "mole1", "mole2"} & set(users)
    assert users["ma"]["clearance"] == "ordinary"
    assert secured.server.login("wang", PASSWORD)  # the password wang had still works
    refusals = people["qin"].get("/registry/audit", params={"username": "root"}).json()
    assert [entry["code"] for entry in refusals if entry["outcome"] == "refused"] == \
        ["above_own_clearance"] * 5


def test_an_admin_makes_approvers_at_their_own_clearance_and_a_cleared_admin_above(
        secured: Secured, people: People) -> None:
    """A role is capped by its holder's clearance: a director made at ``ordinary``
    decides nothing confidential; an admin cleared to ``secret`` makes secret accounts."""
    for username in ("zhou", "zhao", "sun"):
        people[username]  # the cleared approvers exist, so the request is taken
    made = [people["root"].post("/registry/users", json={
        "username": username, "roles": [role], "clearance": "ordinary",
        "department": "management", "password": "a long enough password"})
        for username, role in (("dong", "director"), ("yan", "staff"))]
    above = people["root2"].post("/registry/users", json={
        "username": "xu", "roles": ["staff"], "clearance": "secret",
        "password": "a long enough password"})
    raised = people["root2"].patch("/registry/users/yan", json={"clearance": "secret"})
    assert [response.status_code for response in made] == [201, 201]
    assert (above.status_code, raised.status_code) == (201, 200)
    document = file_document(people["wang"], security="confidential")
    loan = people["li"].post("/registry/loans", json={
        "documents": [document["document_id"]], "kind": "digital", "purpose": "核对",
        "reason": "客户查询"}).json()
    assert people["zhou"].post(f"/registry/loans/{loan['loan_id']}/approve",
                               json={}).status_code == 200
    with secured.server.client(secured.server.login("dong", "a long enough password")) as dong:
        refused = dong.post(f"/registry/loans/{loan['loan_id']}/approve", json={})
    assert _refusal(refused) == (403, "above_clearance", 1, "confidential")


@pytest.mark.parametrize("kind", ["paper", "digital"])
def test_a_loan_is_approved_and_issued_only_by_people_cleared_for_its_documents(
        secured: Secured, people: People, kind: str) -> None:
    for username in ("lo", "zhou", "zhao", "low", "sun"):
        people[username]  # every approver exists before the request
    earlier = _refused(people, "low")
    secret = file_document(people["wang"], security="confidential", category="repair")
    loan = people["li"].post("/registry/loans", json={
        "documents": [secret["document_id"]], "kind": kind, "purpose": "核对",
        "reason": "客户查询"}).json()
    url = f"/registry/loans/{loan['loan_id']}"
    inbox = people["lo"].get("/registry/loans", params={"awaiting": "me"}).json()
    by_lo = people["lo"].post(f"{url}/approve", json={})
    assert loan["loan_id"] not in [waiting["loan_id"] for waiting in inbox]
    assert _refusal(by_lo) == (403, "above_clearance", 1, "confidential")
    assert secret["title"] not in by_lo.text
    for approver in ("zhou", "zhao"):
        assert people[approver].post(f"{url}/approve", json={}).status_code == 200
    by_low = people["low"].post(f"{url}/approve", json={})
    assert _refusal(by_low) == (403, "above_clearance", 1, "confidential")
    assert people["sun"].post(f"{url}/approve", json={}).json()["status"] == "approved"
    issued_by_low = people["low"].post(f"{url}/issue")
    assert _refusal(issued_by_low) == (403, "above_clearance", 1, "confidential")
    assert people["wang"].post(f"{url}/issue").json()["status"] == "out"
    assert sorted(action for _, action in _refused(people, "low") - earlier) == [
        "loan_approved", "loan_issued"]


def test_a_confidential_loan_whose_department_has_no_cleared_head_is_refused_when_asked(
        secured: Secured, people: People) -> None:
    """B3 and the ceiling together: the department head approves first, so a department
    whose heads are not cleared for the documents cannot approve the loan at all."""
    people["tian"]  # engineering's only head, cleared for ordinary
    confidential = file_document(people["wang"], security="confidential")
    asked = people["gao"].post("/registry/loans", json={
        "documents": [confidential["document_id"]], "kind": "digital", "purpose": "核对",
        "reason": "图纸核对"})
    assert (asked.status_code, asked.json()["code"]) == (409, "no_approver")
    assert (asked.json()["step"], asked.json()["clearance_needed"]) == \
        ("manager", "confidential")


def test_a_hold_is_released_only_by_someone_cleared_for_every_document_it_covers(
        secured: Secured, people: People) -> None:
    qin, qiu = people["qin"], people["qiu"]
    secret = file_document(people["wang"], security="secret", household="B-0301")
    file_document(people["wang"], household="B-0301")
    named = qin.post("/registry/holds", json={"reason": "诉讼",
                                              "documents": [secret["document_id"]]}).json()
    scoped = qin.post("/registry/holds", json={"reason": "诉讼", "household": "B-0301"}).json()
    refused = [qiu.post(f"/registry/holds/{hold['hold_id']}/release", json={"note": "结案"})
               for hold in (named, scoped)]
    assert [_refusal(response) for response in refused] == \
        [(403, "above_clearance", 1, "secret")] * 2
    assert secret["title"] not in refused[0].text
    for hold in (named, scoped):
        released = qin.post(f"/registry/holds/{hold['hold_id']}/release",
                            json={"note": "结案"})
        assert released.json()["status"] == "released"


def test_a_handover_is_signed_only_by_sides_cleared_for_every_item(
        secured: Secured, people: People) -> None:
    wang = people["wang"]
    for username in ("ma", "li", "sun"):
        people[username]
    ordinary = file_document(wang)
    confidential = file_document(wang, security="confidential")
    uncleared = wang.post("/registry/handovers", json={
        "service_centre": "一期客服中心", "handed_over_by": "ma", "received_by": "sun",
        "documents": [ordinary["document_id"], confidential["document_id"]]})
    assert (uncleared.status_code, uncleared.json()["code"]) == (422, "signer_not_cleared")
    assert uncleared.json()["signer"] == "ma"
    assert "ma is cleared to ordinary, and 1 document(s) handed over need confidential" in (
        uncleared.json()["detail"])
    assert "your" not in uncleared.json()["detail"]  # the signer's clearance, not wang's
    handover = wang.post("/registry/handovers", json={
        "service_centre": "一期客服中心", "handed_over_by": "li", "received_by": "sun",
        "documents": [ordinary["document_id"], confidential["document_id"]]}).json()
    raised = wang.post(f"/registry/documents/{ordinary['document_id']}/corrections",
                       json={"changes": {"security": "secret"}, "reason": "涉及诉讼"})
    assert raised.status_code == 201, raised.text  # raising protection applies at once
    url = f"/registry/handovers/{handover['handover_id']}/sign"
    by_li = people["li"].post(url, json={"password": PASSWORD})
    assert _refusal(by_li) == (403, "above_clearance", 1, "secret")
    assert ordinary["title"] not in by_li.text
    assert people["sun"].post(url, json={"password": PASSWORD}).status_code == 200
