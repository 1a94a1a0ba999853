"""The corrections page (更正审批, D6, D10) over HTTP, as a browser sends it: the director
sees a lowering the archivist proposed with its document, values and reason; approving
asks to confirm, then applies it as a new version and tells the proposer; a rejection
needs a reason, which the proposer reads; a correction of a document above an approver's
clearance is neither listed nor decided; staff are told whom to ask. The count beside
更正审批 is the corrections waiting for the reader's decision; the registry's list is read
a page at a time over the corrections the reader sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from services.common.paging import LIST_PAGE
from tests.e2e.registry.conftest import registered
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.pages import signed_in

server = module_archive_server()


@pytest.fixture(scope="module")
def archivist(server: ArchiveServer) -> httpx.Client:
    """The registry's API as the archivist ``wang``, cleared for confidential documents."""
    return server.client(server.add_user("wang", "archivist", clearance="confidential"))


@pytest.fixture(scope="module")
def browsers(server: ArchiveServer, archivist: httpx.Client) -> Iterator[dict[str, httpx.Client]]:
    """Signed-in browsers: ``wang`` (archivist), ``zhao`` (director, confidential), ``sun``
    (centre head, ordinary clearance), ``li`` (staff)."""
    server.add_user("zhao", "director", clearance="confidential", department="management")
    server.add_user("sun", "center_head", department="customer_service")
    server.add_user("li", "staff", department="customer_service")
    opened = {name: signed_in(server.url, name) for name in ("wang", "zhao", "sun", "li")}
    yield opened
    for browser in opened.values():
        browser.close()


def _lowered(wang: httpx.Client, record: dict[str, Any], reason: str) -> None:
    """wang lowers the document to ordinary on its page's form (it waits, D10)."""
    form = {"title": record["title"], "category": record["category"],
            "filed_at": record["filed_at"], "household": record["household"] or "",
            "security": "ordinary", "location_building": "A", "location_room": "档案室",
            "location_cabinet": "12", "location_box": "3", "language": "zh", "reason": reason,
            "base_version": str(record["version"])}
    sent = wang.post(f"/ui/documents/{record['document_id']}/corrections",
                     data={"_csrf_token": wang.cookies["archive_csrf"], **form})
    assert "done=correction_pending" in sent.headers["location"], sent.text


def _decide(browser: httpx.Client, correction_id: str, **fields: str) -> httpx.Response:
    return browser.post(f"/ui/corrections/{correction_id}",
                        data={"_csrf_token": browser.cookies["archive_csrf"], **fields})


def _lowering_waiting(server: ArchiveServer, archivist: httpx.Client,
                     browsers: dict[str, httpx.Client], reason: str,
                     **fields: Any) -> tuple[dict[str, Any], str]:
    """A confidential document wang asked to lower for ``reason``, and the id of his
    correction waiting for a decision."""
    record = registered(server, security="confidential", **fields)
    _lowered(browsers["wang"], record, reason)
    waiting = archivist.get("/registry/corrections", params={
        "status": "pending", "document_id": record["document_id"]}).json()
    correction_id: str = waiting[0]["correction_id"]
    return record, correction_id


def test_approving_a_lowering_is_confirmed_applied_and_told_to_the_proposer(
        server: ArchiveServer, archivist: httpx.Client,
        browsers: dict[str, httpx.Client]) -> None:
    record, correction_id = _lowering_waiting(server, archivist, browsers, "经核对不涉密",
                                              title="业主身份证复印件说明")
    zhao = browsers["zhao"]

    listed = zhao.get("/ui/corrections")
    asked = _decide(zhao, correction_id, decision="approve", note="同意")
    held = archivist.get(f"/registry/documents/{record['document_id']}").json()
    confirmed = _decide(zhao, correction_id, decision="approve", note="同意", confirm="1")
    shown = zhao.get(confirmed.headers["location"])
    applied = archivist.get(f"/registry/documents/{record['document_id']}").json()
    trail = zhao.get(f"/ui/documents/{record['document_id']}/history")
    told = browsers["wang"].get("/ui/loans")
    mine = browsers["wang"].get("/ui/corrections")

    assert '<a href="/ui/corrections">更正审批<span class="badge-slot"' in listed.text
    assert (f'<a href="/ui/documents/{record["document_id"]}">{record["archive_no"]}</a> '
            "业主身份证复印件说明") in listed.text
    assert "wang 于" in listed.text
    assert "<del>机密</del>" in listed.text
    assert "<ins>普通</ins>" in listed.text
    assert "理由：经核对不涉密" in listed.text
    assert asked.status_code == 200
    assert f"确认批准：{record['archive_no']}" in asked.text
    assert held["security"] == "confidential"
    assert confirmed.status_code == 303
    assert f"已批准 {record['archive_no']} 的更正，记录已成为第 2 版" in shown.text
    assert (applied["security"], applied["version"]) == ("ordinary", 2)
    assert "您提出的更正已由 zhao 批准" in told.text
    assert "意见：同意" in told.text
    assert "已生效 · zhao 于" in mine.text
    assert "<del>机密</del>" in mine.text
    assert "<del>普通</del>" not in mine.text
    assert "批准更正（wang 提出）" in trail.text


def test_a_rejection_needs_a_reason_which_the_proposer_reads(
        server: ArchiveServer, archivist: httpx.Client,
        browsers: dict[str, httpx.Client]) -> None:
    record, correction_id = _lowering_waiting(server, archivist, browsers, "看错了密级")
    zhao = browsers["zhao"]

    bare = _decide(zhao, correction_id, decision="reject")
    said = zhao.get(bare.headers["location"])
    rejected = _decide(zhao, correction_id, decision="reject", note="原件有业主身份证号",
                       confirm="1")
    mine = browsers["wang"].get("/ui/corrections")
    told = browsers["wang"].get("/ui/loans")

    assert "refused=reason_required" in bare.headers["location"]
    assert "驳回须写明理由" in said.text
    assert "done=reject" in rejected.headers["location"]
    assert archivist.get(f"/registry/documents/{record['document_id']}").json()[
        "security"] == "confidential"
    assert "已驳回 · zhao 于" in mine.text
    assert "原件有业主身份证号" in mine.text
    assert "您提出的更正被 zhao 驳回。 意见：原件有业主身份证号" in told.text


def test_the_proposer_withdraws_a_pending_correction_after_confirming_it(
        server: ArchiveServer, archivist: httpx.Client,
        browsers: dict[str, httpx.Client]) -> None:
    record, correction_id = _lowering_waiting(server, archivist, browsers, "看错了",
                                              title="要撤回的说明")
    wang, zhao = browsers["wang"], browsers["zhao"]
    director = server.client(server.add_user("tang", "director", clearance="confidential"))
    waiting = _waiting_for(director)

    mine = wang.get("/ui/corrections")
    by_approver = _decide(zhao, correction_id, decision="withdraw", confirm="1")
    by_another = server.client(server.add_user("liu", "archivist", clearance="confidential")
                               ).post(f"/registry/corrections/{correction_id}/withdraw")
    asked = _decide(wang, correction_id, decision="withdraw")
    confirmed = _decide(wang, correction_id, decision="withdraw", confirm="1")
    shown = wang.get(confirmed.headers["location"])
    again = archivist.post(f"/registry/corrections/{correction_id}/withdraw")
    listed = archivist.get("/registry/corrections", params={
        "document_id": record["document_id"]}).json()
    audited = server.client(server.add_user("he", "compliance", clearance="confidential")).get(
        "/registry/audit", params={"action": "correction_withdrawn"}).json()

    assert (f'<button type="submit" name="decision" value="withdraw" class="secondary" '
            f'aria-label="撤回对 {record["archive_no"]} 的更正">撤回</button>') in mine.text
    assert "refused=role_required" in by_approver.headers["location"]
    assert (by_another.status_code, by_another.json()["code"]) == (403, "not_proposer")
    assert asked.status_code == 200
    assert f"确认撤回更正：{record['archive_no']}" in asked.text
    assert "撤回后，这项更正不再等待审批" in asked.text
    assert confirmed.status_code == 303
    assert f"已撤回您对 {record['archive_no']} 的更正，记录保持不变" in shown.text
    assert "已撤回 · wang 于" in shown.text
    assert 'value="withdraw"' not in shown.text
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    assert [c["status"] for c in listed] == ["withdrawn"]
    assert _waiting_for(director) == waiting - 1
    assert archivist.get(f"/registry/documents/{record['document_id']}").json()[
        "security"] == "confidential"
    assert [(entry["username"], entry["detail"].get("correction_id")) for entry in audited
            if entry["outcome"] == "allowed"] == [("wang", correction_id)]
    assert [(entry["username"], entry["code"]) for entry in audited
            if entry["outcome"] == "refused"] == [("zhao", "role_required"),
                                                  ("liu", "not_proposer")]


def test_a_correction_above_the_approvers_clearance_is_neither_listed_nor_decided(
        server: ArchiveServer, archivist: httpx.Client,
        browsers: dict[str, httpx.Client]) -> None:
    record, correction_id = _lowering_waiting(server, archivist, browsers, "不涉密",
                                              title="机密的函件")
    sun = browsers["sun"]

    listed = sun.get("/ui/corrections")
    decided = _decide(sun, correction_id, decision="approve", confirm="1")

    assert listed.status_code == 200
    assert record["archive_no"] not in listed.text
    assert "机密的函件" not in listed.text
    assert decided.status_code == 404
    assert archivist.get(f"/registry/documents/{record['document_id']}").json()[
        "security"] == "confidential"


def test_staff_are_told_whom_to_ask_and_have_no_link(
        browsers: dict[str, httpx.Client]) -> None:
    li = browsers["li"]
    page = li.get("/ui/corrections")
    search = li.get("/ui/search")
    assert page.status_code == 403
    assert "您的角色不提出也不审批更正" in page.text
    assert "请告诉档案管理员" in page.text
    assert "/ui/corrections" not in search.text


def _waiting_for(client: httpx.Client) -> int:
    answered = client.get("/registry/corrections/awaiting-count")
    assert answered.status_code == 200, answered.text
    awaiting: int = answered.json()["awaiting"]
    return awaiting


def test_the_count_beside_corrections_is_those_waiting_for_the_readers_decision(
        server: ArchiveServer, archivist: httpx.Client,
        browsers: dict[str, httpx.Client]) -> None:
    director = server.client(server.add_user("qin", "director", clearance="confidential"))
    manager = server.client(server.add_user("zhou", "manager", clearance="confidential"))
    before, manager_before = _waiting_for(director), _waiting_for(manager)
    for title in ("车位申请说明", "装修申请说明"):
        _lowered(browsers["wang"], registered(server, security="confidential", title=title),
                 "经核对不涉密")

    counts = browsers["zhao"].get("/ui/badges")

    assert _waiting_for(director) == before + 2
    assert _waiting_for(manager) == manager_before  # D10: a lowering is not the manager's
    assert archivist.get("/registry/corrections/awaiting-count").status_code == 403
    assert counts.status_code == 200
    assert re.search(r'<span id="corrections-badge" hx-swap-oob="innerHTML"> <span class='
                     r'"count corrections"><span aria-hidden="true">(\d+)</span><span class='
                     r'"visually-hidden">（\1 项更正待您审批）</span>', counts.text)
    assert "corrections-badge" not in browsers["wang"].get("/ui/badges").text
    assert 'id="loans-badge"' in browsers["li"].get("/ui/badges").text


def test_the_list_is_read_a_page_at_a_time_over_the_corrections_the_reader_sees(
        server: ArchiveServer, archivist: httpx.Client,
        browsers: dict[str, httpx.Client]) -> None:
    """sun (ordinary clearance) does not see the confidential lowerings between the
    working documents' corrections: the pages skip none of those he sees, nor repeat one."""
    for number in range(3):
        _lowered(browsers["wang"], registered(server, security="confidential"), "不涉密")
        record = registered(server, working=True, title=f"在办函件 {number}")
        asked = archivist.post(f"/registry/documents/{record['document_id']}/corrections",
                               json={"changes": {"title": f"在办函件（更正）{number}"},
                                     "reason": "题名有误"})
        assert asked.status_code == 202, asked.text
    sun = server.client(server.add_user("sun2", "center_head"))
    every = [row["correction_id"] for row in sun.get(
        "/registry/corrections", params={"status": "pending", "limit": 500}).json()]
    paged = [row["correction_id"] for offset in range(len(every) + 1)
             for row in sun.get("/registry/corrections", params={
                 "status": "pending", "limit": 1, "offset": offset}).json()]
    assert len(every) >= 3
    assert paged == every


def test_each_list_is_read_a_page_at_a_time_and_a_decision_returns_to_its_page(
        server: ArchiveServer) -> None:
    """gao asks for LIST_PAGE + 1 corrections of a secret working document: more than a
    page of the queue and of his own (secret, so the other tests' readers do not see
    them). The page shows each list's total from the registry's count, the later page
    holds the rest, and deciding or withdrawing one from a later page confirms it there
    and returns there."""
    gao_api = server.client(server.add_user("gao", "archivist", clearance="secret"))
    server.add_user("ma", "manager", clearance="secret")
    record = registered(server, security="secret", working=True, title="机密在办函件")
    asked = []
    for number in range(LIST_PAGE + 1):
        answered = gao_api.post(f"/registry/documents/{record['document_id']}/corrections",
                                json={"changes": {"title": f"机密在办函件（{number}）"},
                                      "reason": "题名有误"})
        assert answered.status_code == 202, answered.text
        asked.append(answered.json()["correction_id"])
    gao, ma = signed_in(server.url, "gao"), signed_in(server.url, "ma")
    waiting = gao_api.get("/registry/corrections/count", params={"status": "pending"}).json()
    mine = gao_api.get("/registry/corrections/count", params={"requested_by": "me"}).json()

    first = gao.get("/ui/corrections")
    later = gao.get("/ui/corrections", params={"page": 2, "mine_page": 2})
    decided = _decide(ma, asked[-1], decision="approve", page="2")
    elsewhere = _decide(ma, asked[-1], decision="approve", page="1")
    withdrawn = _decide(gao, asked[0], decision="withdraw", page="2", mine_page="2")

    assert mine == {"count": LIST_PAGE + 1}
    assert waiting["count"] > LIST_PAGE
    assert f'<span class="count-inline">{waiting["count"]}</span>' in first.text
    assert (f'<p class="hint" id="waiting-shown">共 {waiting["count"]} 项 · '
            f"这一页是第 1 至 {LIST_PAGE} 项</p>") in first.text
    assert (f'<p class="hint" id="mine-shown">共 {LIST_PAGE + 1} 项 · '
            f"这一页是第 1 至 {LIST_PAGE} 项</p>") in first.text
    assert first.text.count('class="correction"') == LIST_PAGE
    assert later.text.count('class="correction"') == waiting["count"] - LIST_PAGE
    assert f'id="correction-{asked[-1]}"' in later.text
    assert f'id="mine-{asked[0]}"' in later.text
    assert f'id="mine-{asked[-1]}"' not in later.text
    assert decided.status_code == 200
    assert f'href="/ui/corrections?page=2#correction-{asked[-1]}"' in decided.text
    assert "refused=not_pending" in elsewhere.headers["location"]
    assert withdrawn.status_code == 200
    assert f'href="/ui/corrections?page=2&amp;mine_page=2#mine-{asked[0]}"' in withdrawn.text
    for browser in (gao, ma):
        browser.close()
