"""The loan pages' forms sent twice, as a double click, a slow network's retry or the back
button and the same button again send them: each move is recorded once, and the page
the person lands on says so in words (B3, B4)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.fixtures.app import ArchiveServer, Person, module_archive_server
from tests.support.pages import signed_in

server = module_archive_server()


@pytest.fixture(scope="module")
def people(server: ArchiveServer) -> dict[str, httpx.Client]:
    return server.clients(
        Person("li", "staff", department="customer_service"),
        Person("zhou", "manager", department="customer_service"),
        Person("wang", "archivist", department="archive"),
    )


@pytest.fixture(scope="module")
def pages(server: ArchiveServer, people: dict[str, httpx.Client]
          ) -> Iterator[dict[str, httpx.Client]]:
    browsers = {username: signed_in(server.url, username) for username in people}
    yield browsers
    for browser in browsers.values():
        browser.close()


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _document(people: dict[str, httpx.Client], name: str) -> str:
    record = _ok(people["wang"].post("/registry/documents", json={
        "sha256": hashlib.sha256(name.encode()).hexdigest(), "household": "A-1201",
        "category": "repair", "title": name, "filed_at": "2023-11-02",
        "media_type": "application/pdf", "size_bytes": 4096}), 201)
    return str(record["document_id"])


def _form_token(page: httpx.Client, path: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.get(path).text)
    assert found is not None
    return found.group(1)


def _twice(page: httpx.Client, path: str, data: dict[str, str]) -> list[httpx.Response]:
    """``data`` posted to ``path`` twice at the same moment (a double click)."""
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda _: page.post(path, data=data), range(2)))


def _loan_out(people: dict[str, httpx.Client], name: str) -> str:
    loan = _ok(people["li"].post("/registry/loans", json={
        "documents": [_document(people, name)], "kind": "paper", "purpose": "核对",
        "reason": "业主来电"}), 201)
    for username, move in (("zhou", "approve"), ("wang", "approve"), ("wang", "issue")):
        _ok(people[username].post(f"/registry/loans/{loan['loan_id']}/{move}", json={}))
    return str(loan["loan_id"])


def test_the_renewal_form_sent_twice_renews_once(people: dict[str, httpx.Client],
                                                  pages: dict[str, httpx.Client]) -> None:
    loan_id = _loan_out(people, "续借两次的维修记录")
    path = f"/ui/loans/{loan_id}"
    form = {"_csrf_token": _form_token(pages["li"], path), "renewals": "0"}
    answers = _twice(pages["li"], f"{path}/renew", form)
    answers.append(pages["li"].post(f"{path}/renew", data=form))  # back, then 续借 again
    loan = _ok(people["li"].get(f"/registry/loans/{loan_id}"))
    assert loan["renewals"] == 1
    assert sorted(answer.headers["location"] for answer in answers) == [
        f"{path}?done=renew", f"{path}?refused=already_renewed",
        f"{path}?refused=already_renewed"]
    said = pages["li"].get(f"{path}?refused=already_renewed").text
    assert "刚才已经续借过了" in said
    assert "没有再续借一次" in said


def test_the_approval_form_sent_twice_says_it_was_given_already(
        people: dict[str, httpx.Client], pages: dict[str, httpx.Client]) -> None:
    loan = _ok(people["li"].post("/registry/loans", json={
        "documents": [_document(people, "批准两次的维修记录")], "kind": "paper",
        "purpose": "核对", "reason": "业主来电"}), 201)
    path = f"/ui/loans/{loan['loan_id']}"
    answers = _twice(pages["zhou"], f"{path}/approve",
                     {"_csrf_token": _form_token(pages["zhou"], path), "note": ""})
    approvals = _ok(people["li"].get(f"/registry/loans/{loan['loan_id']}"))["approvals"]
    assert [approval["approver"] for approval in approvals] == ["zhou"]
    assert sorted(answer.headers["location"] for answer in answers) == [
        f"{path}?done=approve", f"{path}?refused=already_approved"]
    assert "您已经批准过这笔借阅" in pages["zhou"].get(f"{path}?refused=already_approved").text


def test_the_request_form_sent_twice_asks_once(people: dict[str, httpx.Client],
                                               pages: dict[str, httpx.Client]) -> None:
    document_id = _document(people, "申请两次的维修记录")
    form = {"_csrf_token": _form_token(pages["li"], f"/ui/loans/new?document={document_id}"),
            "documents": document_id, "kind": "paper", "purpose": "核对", "reason": "业主来电",
            "household": ""}
    answers = _twice(pages["li"], "/ui/loans", form)
    answers.append(pages["li"].post("/ui/loans", data=form))
    loans = _ok(people["li"].get("/registry/loans", params={"borrower": "li",
                                                            "status": "requested"}))
    (loan,) = [loan for loan in loans
               if [document["document_id"] for document in loan["documents"]] == [document_id]]
    path = f"/ui/loans/{loan['loan_id']}"
    assert sorted(answer.headers["location"] for answer in answers) == [
        f"{path}?done=requested", f"{path}?refused=already_requested",
        f"{path}?refused=already_requested"]
    assert "同样的借阅申请您已经提交过" in pages["li"].get(
        f"{path}?refused=already_requested").text
