"""The form correcting a registered occupancy (D12) over HTTP, as a browser sends it: the
household page's 更正 link opens it filled with the occupancy as it reads; sent, the change
is said and confirmed, then waits for a Department Head, and the household page says so
beside the occupancy, offering no second one; a refusal is said beside its field with
what was typed kept; a form shown before someone else's change is refused and explained."""

from __future__ import annotations

import re
from contextlib import closing

import httpx
import pytest

from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.pages import signed_in

server = module_archive_server()


@pytest.fixture(scope="module")
def archivist(server: ArchiveServer) -> httpx.Client:
    """The registry's API as the archivist ``wang``."""
    return server.client(server.add_user("wang", "archivist"))


def _occupancy_ids(archivist: httpx.Client, household: str, *occupants: tuple[str, str]
                   ) -> list[int]:
    """``household`` registered with ``occupants`` (name, move-in) one after another."""
    first, *later = occupants
    created = archivist.post("/registry/households", json={
        "household": household, "occupant": first[0], "moved_in": first[1]})
    assert created.status_code == 201, created.text
    for occupant, moved_in in later:
        moved = archivist.post(f"/registry/households/{household}/occupants",
                               json={"occupant": occupant, "moved_in": moved_in})
        assert moved.status_code == 200, moved.text
    return [o["occupancy_id"] for o in archivist.get(
        f"/registry/households/{household}").json()["occupants"]]


def _sent(browser: httpx.Client, url: str, form: str, **fields: str) -> httpx.Response:
    """``form`` (the page's HTML) sent as its button does, with ``fields`` changed."""
    values = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    values |= {name: value for name, value in re.findall(
        r'<input id="\w+" name="(\w+)"[^>]*value="([^"]*)">', form)}
    return browser.post(url, data={**values, **fields})


def test_an_archivist_asks_from_the_household_page_and_it_waits_for_a_department_head(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    (occupancy_id,) = _occupancy_ids(archivist, "D-0101", ("张伟", "2020-03-01"))
    url = f"/ui/households/D-0101/occupants/{occupancy_id}/correction"
    household = wang.get("/ui/households/D-0101")
    form = wang.get(url)
    asked = _sent(wang, url, form.text, occupant="张玮", reason="名字录错，按租约更正")
    unchanged = archivist.get("/registry/households/D-0101").json()
    done = _sent(wang, url, asked.text)
    shown = wang.get(done.headers["location"])
    again = wang.get(url)
    pending = archivist.get("/registry/corrections", params={"status": "pending"}).json()
    assert f'href="{url}" aria-label="更正 张伟 的住户记录"' in household.text
    assert 'name="occupant" required maxlength="200" autocomplete="off" value="张伟"' \
        in form.text
    assert 'value="2020-03-01"' in form.text
    assert asked.status_code == 200, asked.text
    assert "确认提出更正：张伟" in asked.text
    assert "这项更正等待部门负责人审批，批准前住户记录不变" in asked.text
    assert "住户记录改为 张玮，2020年3月1日 起至今；" in asked.text  # not "至 至今"
    assert "标牌将改为 张玮" in asked.text
    assert unchanged["label"] == "张伟"
    assert done.status_code == 303, done.text
    assert "已提出对 张伟 的住户记录的更正，等待部门负责人审批" in shown.text
    assert '<span class="badge">更正待审批</span>' in shown.text
    assert f'href="{url}"' not in shown.text
    assert "已有一项更正在等待部门负责人审批" in again.text
    assert [(c["occupancy_id"], c["changes"], c["reason"]) for c in pending] == [
        (occupancy_id, {"occupant": "张玮"}, "名字录错，按租约更正")]


def test_the_confirmation_sent_twice_asks_once_and_both_answers_say_it_waits(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    """A double click on the confirmation, or the back button and it again."""
    (occupancy_id,) = _occupancy_ids(archivist, "D-0201", ("王五", "2020-03-01"))
    url = f"/ui/households/D-0201/occupants/{occupancy_id}/correction"
    asked = _sent(wang, url, wang.get(url).text, occupant="王伍", reason="名字录错")
    done = [_sent(wang, url, asked.text) for _ in range(2)]
    pending = archivist.get("/registry/corrections", params={
        "status": "pending", "household": "D-0201"}).json()
    assert [answer.status_code for answer in done] == [303, 303]
    assert done[0].headers["location"] == done[1].headers["location"]
    assert len(pending) == 1


def test_a_move_in_overlapping_the_previous_occupant_is_refused_beside_its_field(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    _, later = _occupancy_ids(archivist, "D-0102", ("刘洋", "2015-03-01"),
                              ("王芳", "2020-01-01"))
    url = f"/ui/households/D-0102/occupants/{later}/correction"
    refused = _sent(wang, url, wang.get(url).text, moved_in="2014年12月31日",
                    reason="迁入日期录错")
    assert refused.status_code == 422, refused.text
    assert ('aria-invalid="true" autofocus aria-describedby="moved_in-hint moved_in-problem" '
            'value="2014年12月31日"') in refused.text
    problem = re.search(r'<p class="refusal" role="alert" id="moved_in-problem">(.*?)</p>',
                        refused.text, re.S)
    assert problem is not None, refused.text
    assert "与前一位住户 刘洋（2015年3月1日 至 2020年1月1日）重叠" in problem[1]
    assert "请先更正 刘洋 的住户记录" in problem[1]
    assert all(c["occupancy_id"] != later for c in archivist.get(
        "/registry/corrections", params={"status": "pending"}).json())


def test_a_form_shown_before_someone_changed_the_occupancy_is_refused_and_refilled(
        archivist: httpx.Client, wang: httpx.Client) -> None:
    (occupancy_id,) = _occupancy_ids(archivist, "D-0103", ("赵敏", "2019-09-01"))
    url = f"/ui/households/D-0103/occupants/{occupancy_id}/correction"
    form = wang.get(url).text
    assert archivist.post("/registry/households/D-0103/move-out",
                          json={"moved_out": "2021-05-31"}).status_code == 200
    stale = _sent(wang, url, form, occupant="赵明", reason="名字录错")
    assert stale.status_code == 409, stale.text
    assert "已有人更改了这条住户记录，现在是 赵敏，2019年9月1日 至 2021年5月31日" in stale.text
    assert 'value="赵明"' in stale.text
    assert '<input type="hidden" name="shown_moved_out" value="2021-05-31">' in stale.text


def test_only_an_archivist_is_offered_the_form(server: ArchiveServer,
                                              archivist: httpx.Client) -> None:
    (occupancy_id,) = _occupancy_ids(archivist, "D-0104", ("孙丽", "2022-01-15"))
    server.add_user("zhou", "manager")
    with closing(signed_in(server.url, "zhou")) as zhou:
        household = zhou.get("/ui/households/D-0104")
        form = zhou.get(f"/ui/households/D-0104/occupants/{occupancy_id}/correction")
    assert household.status_code == 200
    assert "更正 孙丽 的住户记录" not in household.text
    assert form.status_code == 404
