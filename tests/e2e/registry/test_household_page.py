"""The household page's occupants forms over HTTP, as a browser sends them (D2, D3, R1): a
new occupant recorded shows in the history; a move-out is confirmed first, then closes the
part, re-places the documents and says how many start their retention clock; refusals are
said in Chinese with what was typed kept; only an archivist has the forms."""

from __future__ import annotations

import re
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.common.clock import FixedClock
from services.common.paging import LIST_PAGE
from tests.e2e.registry.conftest import opened, registered
from tests.fixtures.app import ArchiveServer, StartServer, module_archive_server
from tests.support.pages import signed_in

server = module_archive_server()


@pytest.fixture(scope="module")
def archivist(server: ArchiveServer) -> httpx.Client:
    """The registry's API as the archivist ``wang``."""
    return server.client(server.add_user("wang", "archivist"))


def _filed(server: ArchiveServer, household: str, filed_at: str) -> dict[str, Any]:
    return registered(server, household=household, category="payment",
                 title=f"{filed_at} 物业费收据", filed_at=filed_at)


def test_a_hold_on_the_household_is_said_however_many_holds_the_archive_has(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    """R7: the page names the holds bearing on the household, not those among the
    archive's newest hundred: one placed before a hundred others elsewhere is said."""
    opened(archivist, "C-0901", "张伟", "2015-03-01")
    with server.client(server.add_user("qian", "compliance")) as compliance:
        for reason, household in [("物业纠纷诉讼保全", "C-0901")] + [
                (f"他户保全{n}", f"D-{n:04d}") for n in range(1, LIST_PAGE + 1)]:
            placed = compliance.post("/registry/holds",
                                     json={"reason": reason, "household": household})
            assert placed.status_code == 201, placed.text
    shown = wang.get("/ui/households/C-0901")
    assert "这一户的档案有文件处于法律保全中" in shown.text
    assert "物业纠纷诉讼保全" in shown.text
    assert "他户保全" not in shown.text


def _posted(browser: httpx.Client, household: str, form: str, **fields: str) -> httpx.Response:
    return browser.post(f"/ui/households/{household}/{form}",
                        data={"_csrf_token": browser.cookies["archive_csrf"], **fields})


def _confirmed(browser: httpx.Client, household: str, form: str, asked: httpx.Response,
               **fields: str) -> httpx.Response:
    """The confirmation ``asked`` sent as its button does: with the occupancy it showed."""
    closes = re.search(r'<input type="hidden" name="closes" value="(\d+)">', asked.text)
    assert closes is not None, asked.text
    return _posted(browser, household, form, confirm="1", closes=closes[1], **fields)


def test_a_new_occupant_of_a_vacant_unit_is_recorded_and_shown_in_the_history(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    assert archivist.post("/registry/households", json={"household": "C-0101"}).status_code == 201
    sent = _posted(wang, "C-0101", "occupants", occupant="华信贸易有限公司",
                   moved_in="2015-03-01")
    shown = wang.get(sent.headers["location"])
    assert sent.status_code == 303, sent.text
    assert "#" not in sent.headers["location"]  # its notice takes the focus (autofocus)
    assert "已登记 华信贸易有限公司 于 2015年3月1日 迁入，标牌现为 华信贸易有限公司" in shown.text
    assert '<span class="label">华信贸易有限公司</span>' in shown.text
    assert archivist.get("/registry/households/C-0101").json()["label"] == "华信贸易有限公司"


def test_a_move_out_is_confirmed_then_closes_the_part_and_counts_the_documents_restarted(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    opened(archivist, "C-0102", "张伟", "2015-03-01")
    kept = [_filed(server, "C-0102", day) for day in ("2016-05-01", "2019-01-10", "2021-06-30")]
    later = _filed(server, "C-0102", "2022-01-05")
    asked = _posted(wang, "C-0102", "move-out", moved_out="2021-06-30")
    unchanged = archivist.get("/registry/households/C-0102").json()
    done = _confirmed(wang, "C-0102", "move-out", asked, moved_out="2021-06-30")
    shown = wang.get(done.headers["location"])
    records = {record["document_id"]: record for record in archivist.get(
        "/registry/documents", params={"household": "C-0102"}).json()}
    assert asked.status_code == 200
    assert "确认退租：张伟" in asked.text
    assert "张伟 的部分将于 2021年6月30日 结束并单独保管" in asked.text
    assert "这一部分现有 4 份文件" in asked.text
    assert unchanged["label"] == "张伟"
    assert done.status_code == 303, done.text
    assert "张伟 的部分已于 2021年6月30日 结束；3 份文件的保管期限自该日起算。" in shown.text
    assert [records[d["document_id"]]["retention_start"] for d in kept] == ["2021-06-30"] * 3
    assert records[later["document_id"]]["occupancy_id"] is None
    assert "已退租：张伟（2015年3月1日 至 2021年6月30日）" in shown.text


def test_a_new_occupant_while_one_lives_there_is_confirmed_and_closes_their_part(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    opened(archivist, "C-0103", "刘洋", "2018-01-01")
    _filed(server, "C-0103", "2019-02-01")
    asked = _posted(wang, "C-0103", "occupants", occupant="王芳", moved_in="2020-01-01")
    done = _confirmed(wang, "C-0103", "occupants", asked, occupant="王芳",
                      moved_in="2020-01-01")
    shown = wang.get(done.headers["location"])
    assert "王芳 自 2020年1月1日 迁入，标牌改为 王芳；现住户 刘洋 同日退租。" in asked.text
    assert "刘洋 的部分已于同日结束；1 份文件的保管期限自该日起算。" in shown.text
    assert [(o["occupant"], o["moved_out"]) for o in archivist.get(
        "/registry/households/C-0103").json()["occupants"]] == [
        ("刘洋", "2020-01-01"), ("王芳", None)]


def test_refusals_are_said_with_what_to_do_and_the_form_as_typed(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    opened(archivist, "C-0104", "赵敏", "2019-09-01")
    early = _posted(wang, "C-0104", "move-out", moved_out="2019-08-31", confirm="1")
    blank = _posted(wang, "C-0104", "occupants", occupant="", moved_in="2020-01-01")
    assert archivist.post("/registry/households/C-0104/move-out",
                          json={"moved_out": "2020-05-31"}).status_code == 200
    vacant = _posted(wang, "C-0104", "move-out", moved_out="2020-06-30", confirm="1")
    assert early.status_code == 422
    assert "这个日期早于现住户 赵敏 的迁入日（2019年9月1日）" in early.text
    assert ('aria-invalid="true" autofocus aria-describedby="moved-out-hint problem" '
            'value="2019-08-31"') in early.text
    assert (blank.status_code, "请填写新住户的姓名或公司名称。" in blank.text) == (422, True)
    assert vacant.status_code == 409
    assert "这一户现在空置，没有住户可以退租。" in vacant.text


def test_a_day_before_the_current_occupant_moved_in_is_refused_not_offered_to_confirm(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    opened(archivist, "C-0106", "孙丽", "2022-01-15")
    moving_out = _posted(wang, "C-0106", "move-out", moved_out="2020-01-01")
    moving_in = _posted(wang, "C-0106", "occupants", occupant="王芳", moved_in="2021-12-31")
    for refused, field in ((moving_out, "moved-out"), (moving_in, "moved-in")):
        assert refused.status_code == 422
        assert "这个日期早于现住户 孙丽 的迁入日（2022年1月15日）" in refused.text
        assert 'name="confirm"' not in refused.text
        assert f'<a href="#{field}">改正这一项</a>' in refused.text
    occupants = archivist.get("/registry/households/C-0106").json()["occupants"]
    assert [(o["occupant"], o["moved_out"]) for o in occupants] == [("孙丽", None)]


def test_an_unknown_household_is_said_as_such(wang: httpx.Client) -> None:
    page = wang.get("/ui/households/Z-9999")
    assert page.status_code == 404
    assert "档案中没有这个户号。请检查户号" in page.text


def test_only_an_archivist_has_the_forms(server: ArchiveServer, archivist: httpx.Client
                                         ) -> None:
    opened(archivist, "C-0105", "孙丽", "2017-04-01")
    server.add_user("li", "staff")
    with closing(signed_in(server.url, "li")) as li:
        page = li.get("/ui/households/C-0105")
        sent = _posted(li, "C-0105", "move-out", moved_out="2020-01-01", confirm="1")
    assert "孙丽" in page.text
    assert "/move-out" not in page.text
    assert sent.status_code == 404
    assert archivist.get("/registry/households/C-0105").json()["label"] == "孙丽"


def test_a_confirmation_overtaken_by_another_archivist_s_change_is_refused(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    """Both were shown 李娜 as the occupant their new one replaces; the second is told
    who was recorded meanwhile and that nothing changed, with what they typed kept."""
    opened(archivist, "C-0107", "李娜", "2019-03-01")
    server.add_user("zhao", "archivist")
    with closing(signed_in(server.url, "zhao")) as zhao:
        asked = {browser: _posted(browser, "C-0107", "occupants", occupant=name,
                                  moved_in="2024-05-01")
                 for browser, name in ((wang, "孙丽"), (zhao, "孙莉"))}
        first = _confirmed(wang, "C-0107", "occupants", asked[wang], occupant="孙丽",
                           moved_in="2024-05-01")
        second = _confirmed(zhao, "C-0107", "occupants", asked[zhao], occupant="孙莉",
                            moved_in="2024-05-01")
    assert all("现住户 李娜 同日退租" in page.text for page in asked.values())
    assert first.status_code == 303, first.text
    assert second.status_code == 409
    assert "已有人登记了 孙丽 于 2024年5月1日 迁入，现住户是 孙丽" in second.text
    assert "这次登记没有做任何更改" in second.text
    assert 'value="孙莉"' in second.text
    assert 'name="confirm"' not in second.text
    assert [(o["occupant"], o["moved_in"], o["moved_out"]) for o in archivist.get(
        "/registry/households/C-0107").json()["occupants"]] == [
        ("李娜", "2019-03-01", "2024-05-01"), ("孙丽", "2024-05-01", None)]


def test_the_registry_refuses_a_change_confirmed_for_an_occupant_no_longer_current(
        archivist: httpx.Client) -> None:
    opened(archivist, "C-0108", "李娜", "2019-03-01")
    li_na = archivist.get("/registry/households/C-0108").json()["occupants"][0]
    moved = archivist.post("/registry/households/C-0108/occupants", json={
        "occupant": "孙丽", "moved_in": "2024-05-01", "closes": li_na["occupancy_id"]})
    refused = [archivist.post("/registry/households/C-0108/occupants", json={
                   "occupant": "孙莉", "moved_in": "2024-05-02",
                   "closes": li_na["occupancy_id"]}),
               archivist.post("/registry/households/C-0108/move-out", json={
                   "moved_out": "2024-05-02", "closes": li_na["occupancy_id"]})]
    assert moved.status_code == 200, moved.text
    sun_li = moved.json()["occupants"][1]["occupancy_id"]
    assert [(r.status_code, r.json()["code"], r.json()["current_occupancy_id"])
            for r in refused] == [(409, "occupants_changed", sun_li)] * 2


def test_a_day_after_today_is_refused_at_its_field_with_what_was_typed(
        start_archive_server: StartServer) -> None:
    """The archive's clock reads 2024-06-01 17:00 in Shanghai."""
    clocked = start_archive_server(clock=FixedClock(datetime(2024, 6, 1, 9, tzinfo=UTC)))
    with clocked.client(clocked.add_user("wang", "archivist")) as registry:
        opened(registry, "C-0109", "李娜", "2019-03-01")
        with closing(signed_in(clocked.url, "wang")) as browser:
            moving_out = _posted(browser, "C-0109", "move-out", moved_out="2052-01-31")
            moving_in = _posted(browser, "C-0109", "occupants", occupant="孙丽",
                                moved_in="2024-06-02")
        household = registry.get("/registry/households/C-0109").json()
    for refused, field, typed in ((moving_out, "moved-out", "2052-01-31"),
                                  (moving_in, "moved-in", "2024-06-02")):
        assert refused.status_code == 422
        assert "这个日期在今天之后" in refused.text
        assert f'<a href="#{field}">改正这一项</a>' in refused.text
        assert f'value="{typed}"' in refused.text
        assert 'name="confirm"' not in refused.text
    assert (household["label"], household["occupied"]) == ("李娜", True)


def _registering(browser: httpx.Client, **fields: str) -> httpx.Response:
    return browser.post("/ui/households", data={"_csrf_token": browser.cookies["archive_csrf"],
                                                **fields})


def test_an_archivist_registers_a_household_and_its_first_occupant_on_the_households_page(
        server: ArchiveServer, archivist: httpx.Client, wang: httpx.Client) -> None:
    """开户 (D1) on the pages: a new unit with no document yet has no page to record an
    occupant on, so the households page registers it, with its first occupant if typed
    (D2); a code typed loosely is the unit code; refusals say why with the form kept; a
    staff member has no form and the address refuses them."""
    offered = wang.get("/ui/households")
    sent = _registering(wang, household="d0201", occupant="钱进", moved_in="2025年11月1日")
    bare = _registering(wang, household="D-0202")
    again = _registering(wang, household="D-0201")
    wrong = _registering(wang, household="D楼", occupant="钱进")
    undated = _registering(wang, household="D-0203", occupant="钱进")
    server.add_user("li.reg", "staff")
    with closing(signed_in(server.url, "li.reg")) as li:
        staff_page = li.get("/ui/households")
        staff_sent = _registering(li, household="D-0204")

    assert '<form method="post" action="/ui/households#register"' in offered.text
    assert "建立户档（开户）" in offered.text
    assert sent.status_code == 303, sent.text
    shown = wang.get(sent.headers["location"])
    assert "已登记 钱进 于 2025年11月1日 迁入，标牌现为 钱进" in shown.text
    assert archivist.get("/registry/households/D-0201").json()["label"] == "钱进"
    assert bare.status_code == 303
    assert archivist.get("/registry/households/D-0202").json()["occupants"] == []
    assert again.status_code == 409
    assert "户档 D-0201 已经建立，没有再建立一次" in again.text
    assert 'href="/ui/households/D-0201"' in again.text
    assert wrong.status_code == 422
    assert "请填写户号，写法如 A-1201" in wrong.text
    assert 'value="D楼"' in wrong.text
    assert undated.status_code == 422
    assert "请填写日期" in undated.text
    assert archivist.get("/registry/households/D-0203").status_code == 404
    assert '<form method="post" action="/ui/households#register"' not in staff_page.text
    assert staff_sent.status_code == 404
    assert archivist.get("/registry/households/D-0204").status_code == 404


def test_the_registration_form_sent_twice_answers_both_as_the_first(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    """A double click on 建立户档: the second was refused as registered already, telling
    the archivist to open it and register the occupant, whom the first had registered."""
    first = _registering(wang, household="D-0301", occupant="孙七", moved_in="2020-01-01")
    second = _registering(wang, household="D-0301", occupant="孙七", moved_in="2020-01-01")
    other = _registering(wang, household="D-0301", occupant="周八", moved_in="2020-01-01")

    assert (first.status_code, second.status_code) == (303, 303), second.text
    assert second.headers["location"] == first.headers["location"]
    assert "已登记 孙七 于 2020年1月1日 迁入" in wang.get(second.headers["location"]).text
    assert [o["occupant"] for o in archivist.get(
        "/registry/households/D-0301").json()["occupants"]] == ["孙七"]
    assert other.status_code == 409
    assert "户档 D-0301 已经建立，没有再建立一次" in other.text
