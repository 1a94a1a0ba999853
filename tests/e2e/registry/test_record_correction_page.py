"""The document page's correction of the record (更正著录, D6, D10) over HTTP, as a browser
sends it: a corrected title applies at once and the history shows the new version; a
lowered security level waits for a director or centre head, the record unchanged; a
refusal is said in Chinese with what was typed kept; staff have no form."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import httpx
import pytest

from tests.e2e.registry.conftest import registered
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.pages import signed_in

server = module_archive_server()


@pytest.fixture(scope="module")
def archivist(server: ArchiveServer) -> httpx.Client:
    """The registry's API as the archivist ``wang``, cleared for confidential documents."""
    return server.client(server.add_user("wang", "archivist", clearance="confidential"))


def _filed(server: ArchiveServer, **fields: Any) -> str:
    document_id: str = registered(server, **fields)["document_id"]
    return document_id


def _corrected(browser: httpx.Client, document_id: str, **changed: str) -> httpx.Response:
    """The form as the page prefills it for version 1, with ``changed`` typed over it (or
    sent again on the version it names, ``base_version``)."""
    form = {"title": "关于停车位的申请函", "category": "correspondence",
            "filed_at": "2024-03-01", "household": "A-1201", "security": "ordinary",
            "location_building": "A", "location_room": "档案室", "location_cabinet": "12",
            "location_box": "3", "language": "zh", "reason": "按原件核对", "base_version": "1"}
    return browser.post(f"/ui/documents/{document_id}/corrections",
                        data={"_csrf_token": browser.cookies["archive_csrf"],
                              **form, **changed})


def test_a_corrected_title_applies_and_the_history_shows_the_new_version(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    document_id = _filed(server)
    page = wang.get(f"/ui/documents/{document_id}")
    sent = _corrected(wang, document_id, title="关于地下车位的申请函")
    shown = wang.get(sent.headers["location"])
    history = wang.get(f"/ui/documents/{document_id}/history")
    assert 'value="关于停车位的申请函"' in page.text
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].endswith("?done=corrected")
    assert "著录已更正，成为第 2 版" in shown.text
    assert "<h1>关于地下车位的申请函</h1>" in shown.text
    assert "按原件核对" in history.text
    assert "题名" in history.text
    record = archivist.get(f"/registry/documents/{document_id}").json()
    assert (record["title"], record["version"]) == ("关于地下车位的申请函", 2)


def test_a_lowered_security_level_waits_for_a_director_and_the_record_holds(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    document_id = _filed(server, security="confidential")
    sent = _corrected(wang, document_id, security="ordinary", reason="经核对不涉密")
    shown = wang.get(sent.headers["location"])
    assert sent.status_code == 303, sent.text
    assert "waits=protection" in sent.headers["location"]
    assert "等待总经理或客户服务中心负责人批准" in shown.text
    assert archivist.get(f"/registry/documents/{document_id}").json()["security"] == \
        "confidential"
    pending = archivist.get("/registry/corrections", params={
        "status": "pending", "document_id": document_id}).json()
    assert [correction["changes"] for correction in pending] == [{"security": "ordinary"}]


def test_a_lowering_sent_twice_waits_once_and_both_answers_say_it_waits(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    """A double click on 提交 (or the back button and 提交 again): one correction for the
    approvers, and the page says it waits, not that someone else changed the record."""
    document_id = _filed(server, security="confidential")
    sent = [_corrected(wang, document_id, security="ordinary", reason="经核对不涉密")
            for _ in range(2)]
    assert [answer.status_code for answer in sent] == [303, 303]
    assert sent[0].headers["location"] == sent[1].headers["location"]
    assert "等待总经理或客户服务中心负责人批准" in wang.get(sent[1].headers["location"]).text
    pending = archivist.get("/registry/corrections", params={
        "status": "pending", "document_id": document_id}).json()
    assert len(pending) == 1


def test_a_refusal_is_said_in_chinese_and_what_was_typed_is_kept(
        server: ArchiveServer, wang: httpx.Client) -> None:
    document_id = _filed(server)
    unchanged = _corrected(wang, document_id, reason="看一看")
    above = _corrected(wang, document_id, title="新的题名", security="secret")
    assert unchanged.status_code == 422
    assert "这次更正没有改变任何一项" in unchanged.text
    assert "看一看</textarea>" in unchanged.text
    assert above.status_code == 403
    assert "您不能把文件的密级定得高于您自己的密级权限" in above.text
    assert 'value="新的题名"' in above.text
    assert '<option value="secret" selected>' in above.text


def test_a_form_sent_after_another_archivists_correction_is_refused_not_undoing_it(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    document_id = _filed(server)
    server.add_user("liwen", "archivist", clearance="confidential")
    with closing(signed_in(server.url, "liwen")) as liwen:
        page = liwen.get(f"/ui/documents/{document_id}")
        first = _corrected(wang, document_id, title="关于地下车位的申请函")
        second = _corrected(liwen, document_id, filed_at="2024-03-02", reason="日期录错")
        again = _corrected(liwen, document_id, title="关于地下车位的申请函",
                           filed_at="2024-03-02", reason="日期录错", base_version="2")
    history = archivist.get(f"/registry/documents/{document_id}/history").json()
    assert '<input type="hidden" name="base_version" value="1">' in page.text
    assert first.status_code == 303, first.text
    assert second.status_code == 409
    assert "您填写期间，wang 于" in second.text
    assert "（改动了题名），现在是第 2 版。您的更正没有保存" in second.text
    assert 'value="关于地下车位的申请函"' in second.text
    assert 'value="2024-03-02"' in second.text
    assert '<input type="hidden" name="base_version" value="2">' in second.text
    assert again.status_code == 303, again.text
    assert [("title" in version["changes"], "filed_at" in version["changes"])
            for version in history] == [(False, False), (True, False), (False, True)]


def test_staff_have_no_form_and_cannot_post_one(server: ArchiveServer) -> None:
    document_id = _filed(server)
    server.add_user("li", "staff", department="customer_service")
    with closing(signed_in(server.url, "li")) as browser:
        page = browser.get(f"/ui/documents/{document_id}")
        posted = _corrected(browser, document_id, title="改掉")
    assert page.status_code == 200
    assert "更正著录" not in page.text
    assert posted.status_code == 404


def test_a_household_typed_otherwise_waits_for_a_department_head_and_the_record_holds(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    """D11: the misfiled document is moved from its own page, not by uploading again."""
    document_id = _filed(server)
    filed = archivist.get(f"/registry/documents/{document_id}").json()
    sent = _corrected(wang, document_id, household="a1202", reason="扫描时归错了户")
    shown = wang.get(sent.headers["location"])
    record = archivist.get(f"/registry/documents/{document_id}").json()
    assert "waits=household" in sent.headers["location"]
    assert "等待部门负责人批准（把文件移到另一户须经批准）" in shown.text
    assert (record["household"], record["archive_no"], record["version"]) == (
        "A-1201", filed["archive_no"], 1)


def test_a_transferred_documents_filing_is_shown_as_it_is_and_its_title_still_corrected(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    """D11: the registry's answer (``correction_limit``) closes the category, filing date
    and household; the form shows them as they are, saying why, and sends them unchanged."""
    document_id = _filed(server)
    sent_out = archivist.post("/registry/transfers", json={
        "recipient": "某区档案馆", "reason": "移交区档案馆", "documents": [document_id]})
    page = wang.get(f"/ui/documents/{document_id}")
    retitled = _corrected(wang, document_id, title="关于地下车位的申请函")
    record = archivist.get(f"/registry/documents/{document_id}").json()
    assert sent_out.status_code == 201, sent_out.text
    assert "类别、归档日期和户号不能再更正" in page.text
    assert '<select id="correct-category"' not in page.text
    assert '<input type="hidden" name="category" value="correspondence">' in page.text
    assert 'name="household" readonly aria-describedby="correction-limit" value="A-1201"' \
        in page.text
    assert retitled.status_code == 303, retitled.text
    assert (record["title"], record["household"], record["version"]) == (
        "关于地下车位的申请函", "A-1201", 2)
