"""The audit log page (审计日志, O4) over HTTP, as a browser asks for it: the compliance
officer reads who did what, newest first, by document archive number, user, action and
day; a document above their clearance is counted, never named; anyone else is answered
as if the page did not exist."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

from tests.e2e.registry.conftest import registered
from tests.fixtures.app import ArchiveServer
from tests.support.pages import signed_in


def _rows(html: str) -> list[str]:
    """Each entry's row, its tags dropped."""
    body = html.split("<tbody", 1)[1] if "<tbody" in html else ""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr role=\"row\"[^>]*>(.*?)</tr>", body, re.S)]


def test_the_compliance_officer_reads_who_did_what_newest_first(
        archive_server: ArchiveServer) -> None:
    archive_server.add_user("qian", "compliance", clearance="confidential")
    archive_server.add_user("wang", "archivist")
    ordinary = registered(archive_server, title="漏水投诉")
    secret = registered(archive_server, title="绝密协议", security="secret")
    archive_server.add_user("li2", "staff", full_name="李明")
    with archive_server.client(archive_server.add_user("li", "staff", full_name="李明")) as li:
        assert li.get(f"/registry/documents/{ordinary['document_id']}/text").status_code \
            in (200, 404)
    qian = signed_in(archive_server.url, "qian")
    archivist = signed_in(archive_server.url, "wang")

    everything = qian.get("/ui/audit")
    by_document = qian.get("/ui/audit", params={"document": ordinary["archive_no"]})
    by_user = qian.get("/ui/audit", params={"user": "li", "action": "read_text"})
    unknown = qian.get("/ui/audit", params={"document": "2030-nothing-0001"})
    reversed_days = qian.get("/ui/audit", params={"from": "2030-03-02", "to": "2030-03-01"})
    shared_name = qian.get("/ui/audit", params={"user": "李明"})
    refused = archivist.get("/ui/audit")
    qian.close()
    archivist.close()

    assert everything.status_code == 200, everything.text
    rows = _rows(everything.text)
    numbers = [int(row.split()[0]) for row in rows]
    assert numbers == sorted(numbers, reverse=True)
    assert any("归档" in row and ordinary["archive_no"] in row for row in rows)
    assert not any(secret["archive_no"] in row for row in rows)
    assert any("归档" in row and "（您无权知道的文件）" in row for row in rows)
    assert 'href="/ui/audit"' in everything.text  # in the top bar
    assert [row for row in _rows(by_document.text) if "归档" in row]
    assert all(ordinary["archive_no"] in row for row in _rows(by_document.text))
    assert all(" li" in f" {row}" and "阅读内容" in row for row in _rows(by_user.text))
    assert unknown.status_code == 422
    assert "没有档号为“2030-nothing-0001”的文件" in unknown.text
    assert reversed_days.status_code == 422
    assert "开始日期晚于结束日期" in reversed_days.text
    assert shared_name.status_code == 422
    assert "有 2 位同事都叫“李明”" in shared_name.text
    assert '<a href="/ui/audit?user=li2">李明（li2）</a>' in shared_name.text
    assert refused.status_code == 404
    assert 'href="/ui/audit"' not in refused.text


def test_the_page_checks_the_chain_and_says_where_it_was_altered(
        archive_server: ArchiveServer) -> None:
    archive_server.add_user("qian", "compliance")
    registered(archive_server, title="漏水投诉")
    qian = signed_in(archive_server.url, "qian")

    intact = qian.get("/ui/audit/verify")
    database = archive_server.settings.data_dir / "registry.db"
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET username = 'intruder' WHERE seq = 2")
    altered = qian.get("/ui/audit/verify")
    qian.cookies.set("archive_language", "en")
    altered_in_english = qian.get("/ui/audit/verify")
    qian.close()

    assert intact.status_code == 200, intact.text
    assert "审计日志完整：已核验" in intact.text
    assert "审计日志已被改动：从第 2 条起链接不再成立。" in altered.text
    assert "请立即保留数据库的副本" in altered.text
    # Why, in the reader's words; the registry's English sentence only as the detail.
    assert "原因：这一条的内容被改动过，与写入时的校验值不符。" in altered.text
    assert "技术说明（报告时请附上）：<code>entry 2 was edited" in altered.text
    assert "That entry was edited: its content no longer matches" in altered_in_english.text
    assert 'role="alert"' in altered.text


def test_a_refused_attempt_says_why_in_words_and_keeps_the_service_s_sentence(
        archive_server: ArchiveServer) -> None:
    """Real refusals (a wrong password, an admin's own account, a reset above the admin's
    clearance) are said on the audit log page in the words their pages use, the English
    sentence beside them for the record; English pages say them in English."""
    archive_server.add_user("qian", "compliance", clearance="secret")
    root = archive_server.add_user("root", "admin", clearance="confidential")
    archive_server.add_user("boss", "manager", clearance="secret")
    with archive_server.client() as anyone:
        assert anyone.post("/registry/auth/token", json={
            "username": "qian", "password": "not her password"}).status_code == 401
    with archive_server.client(root) as admin:
        assert admin.post("/registry/users/root/deactivate").status_code == 403
        assert admin.post("/registry/users/boss/password", json={
            "new_password": "a long phrase only I know"}).status_code == 403
    qian = signed_in(archive_server.url, "qian")

    chinese = _rows(qian.get("/ui/audit", params={"outcome": "refused"}).text)
    english = _rows(qian.get("/ui/audit", params={"outcome": "refused"},
                             headers={"Accept-Language": "en"}).text)
    qian.close()

    assert len(chinese) == 3, chinese
    assert "原因：用户名或密码不正确。（系统记录：wrong username or password）" in chinese[2]
    assert "原因：不能更改自己的角色或密级权限，也不能停用自己的账号。（系统记录：" in chinese[1]
    assert "请另一位系统管理员办理" not in chinese[1]
    assert "原因：系统管理员不能创建密级权限高于自己的账号" in chinese[0]
    assert "所需密级：绝密" in chinese[0]
    assert "Reason: Wrong username or password. (recorded: wrong username or password)" in (
        english[2])
    assert "Reason: Nobody changes their own roles or clearance" in english[1]
