"""The workflow pages in English carry no Chinese punctuation of their own, and in Chinese
keep it: a real server with a sweep through to an executed destruction register, holds,
handovers, inventories, a condition check and accounts, each page read over HTTP in both
languages. What the records hold (titles, opinions, notes, names) is shown as typed and
may be Chinese; the pages' own words, separators and brackets go through the catalogue
(``_("、")``, ``_("%(name)s（%(detail)s）")``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest

from services.common.clock import FixedClock
from tests.e2e.retention.support import START, Archive
from tests.fixtures.app import PASSWORD, launch_archive_server
from tests.support.pages import signed_in

CJK_PUNCTUATION = re.compile(
    "[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
"""Ideographic space, 、。「」【】 and the full-width forms （），：；！？… (not “” and ‘’,
which English writes too)."""

OPINION = "经鉴定，同意销毁"
HOLD_NOTE = "诉讼结束，解除保全"
PROBLEM = "盒底受潮，已发霉"
RECORD_WORDS = (OPINION, HOLD_NOTE, PROBLEM)
"""Words the records hold with Chinese punctuation in them: shown as typed."""
SHELF = {"building": "A", "room": "档案室", "cabinet": "12"}
PROTECTIONS = ("insects", "mould", "dust", "fire", "theft", "damp", "heat")


class _Shown(HTMLParser):
    """What a reader sees or hears of a page: its text and the attributes read aloud or
    shown (labels, titles, placeholders), not scripts or styles."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt", "data-label", "label")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.SPOKEN and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = _Shown()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@dataclass
class Office:
    archive: Archive
    ids: dict[str, str]


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


def _fill(archive: Archive) -> dict[str, str]:
    """The records every page below shows; their ids by name."""
    server = archive.server
    server.add_user("chen", "staff", clearance="secret", department="customer_service")
    server.add_user("root", "admin")
    server.add_user("gu", "archivist", "compliance", clearance="secret", department="archive")
    server.add_user("gone", "staff")
    due = [archive.file(title=f"卫生间漏水维修记录 {n}") for n in (1, 2)]
    sweep = archive.approved(due, opinion=OPINION)
    lent = archive.file(title="入住资料", household="A-1202", filed_at="2029-06-01")
    archive.issued_loan([lent], "paper")
    archive.clock.advance(timedelta(days=184))
    register = archive.executed(archive.witnessed_register(sweep))
    with archive.as_("qian") as client:
        _ok(client.post("/registry/holds", json={"reason": "诉讼保全", "household": "A-1202"}))
        released = _ok(client.post("/registry/holds", json={"reason": "审计调阅",
                                                              "documents": [lent["document_id"]]}))
        _ok(client.post(f"/registry/holds/{released['hold_id']}/release",
                        json={"note": HOLD_NOTE}))
    archive.file(household="A-1301", title="装修申请", location={**SHELF, "box": "3"})
    archive.file(household="A-1301", title="装修验收", security="secret",
                 location={**SHELF, "box": "4"})  # above the administrator's clearance
    handovers = []
    for signed in (True, False):  # the same list again once the first is complete
        with archive.as_("wang") as client:
            handovers.append(_ok(client.post("/registry/handovers", json={
                "service_centre": "第一客户服务中心", "handed_over_by": "chen",
                "received_by": "gu", "households": ["A-1301"]})))
        for username in ("chen", "gu") if signed else ():  # cleared for the secret one
            with archive.server.client(server.tokens[username]) as client:
                _ok(client.post(f"/registry/handovers/{handovers[-1]['handover_id']}/sign",
                                json={"password": PASSWORD}))
    with archive.as_("wang") as client:
        finished = _ok(client.post("/registry/inventories", json={"note": "一月盘点"}))
        path = f"/registry/inventories/{finished['inventory_id']}"
        _ok(client.post(f"{path}/items/1", json={"state": "present"}))
        _ok(client.post(f"{path}/items/2", json={"state": "missing"}))
        _ok(client.post(f"{path}/complete"))
        open_ = _ok(client.post("/registry/inventories", json={"building": "A"}))
        _ok(client.post(f"/registry/inventories/{open_['inventory_id']}/items/1",
                        json={"state": "misplaced", "note": "在5盒里"}))
        protections: dict[str, Any] = {name: {"state": "ok"} for name in PROTECTIONS}
        protections["mould"] = {"state": "problem", "note": PROBLEM}
        protections["dust"] = {"state": "problem", "note": "积灰"}
        _ok(client.post("/registry/condition-checks", json={
            "location": {**SHELF, "box": "3"}, "checked_on": "2030-07-01",
            "protections": protections}))
    with archive.server.client(server.tokens["root"]) as client:
        _ok(client.post("/registry/users/gone/deactivate"))
    return {"sweep": sweep["sweep_id"], "register": register["destruction_id"],
            "handover": handovers[0]["handover_id"], "awaited": handovers[1]["handover_id"],
            "inventory": finished["inventory_id"], "open": open_["inventory_id"],
            "destroyed": due[0]["archive_no"]}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    clock = FixedClock(START)
    server = launch_archive_server(tmp_path_factory.mktemp("punctuation"), clock=clock)
    try:
        archive = Archive.open(server, clock)
        yield Office(archive=archive, ids=_fill(archive))
    finally:
        server.server.stop()


PAGES: dict[str, tuple[str, str]] = {
    "retention": ("qian", "/ui/retention"),
    "sweep": ("qian", "/ui/sweeps/{sweep}"),
    "destruction": ("qian", "/ui/destructions/{register}"),
    "holds": ("qian", "/ui/holds"),
    "handovers": ("wang", "/ui/handovers"),
    "handover": ("root", "/ui/handovers/{handover}"),
    "awaited handover": ("wang", "/ui/handovers/{awaited}"),
    "new handover": ("wang", "/ui/handovers/new?household=A-1301"),
    "inventories": ("wang", "/ui/inventories"),
    "inventory": ("wang", "/ui/inventories/{inventory}"),
    "open inventory": ("wang", "/ui/inventories/{open}"),
    "conditions": ("wang", "/ui/inventories/conditions"),
    "accounts": ("root", "/ui/admin/users"),
    "own account": ("gu", "/ui/account"),
}
"""Each page by name: who reads it, and its address (``{name}`` the record's id)."""

KEPT_IN_CHINESE: dict[str, tuple[str, ...]] = {
    "retention": ("保管与销毁",),
    "sweep": (" · qian", " · zhao"),
    "destruction": (" · qian", "监销人：sun、wang"),
    "holds": (" · qian",),
    "handovers": ("签字</span>、<span",),
    "handover": (" · wang", ">（密）</td>"),
    "awaited handover": (" · wang",),
    "new handover": ("（A-1301）",),
    "inventories": ("全部楼栋（已完成）</a>", "</a>、<a", " · wang"),
    "inventory": ("核对清单：A栋 档案室 12柜",),
    "open inventory": ("A栋 档案室 12柜 3盒：在位",),
    "conditions": (f"防霉（{PROBLEM}）、防尘（积灰）", "防虫：正常"),
    "accounts": ("档案管理员、合规专员", "已停用（2030年7月13日）"),
    "own account": ("档案管理员、合规专员",),
}
"""What each page says in Chinese with its own punctuation."""


def _page(office: Office, name: str, language: str) -> str:
    username, address = PAGES[name]
    with closing(signed_in(office.archive.server.url, username)) as browser:
        browser.cookies.set("archive_language", language)
        response = browser.get(address.format(**office.ids))
    assert response.status_code == 200, response.text
    return response.text


def _refused_form(office: Office, username: str, path: str, language: str,
                  **fields: str) -> str:
    """The page a form posted to ``path`` comes back as, refused."""
    with closing(signed_in(office.archive.server.url, username)) as browser:
        browser.cookies.set("archive_language", language)
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/ui/search").text)
        assert csrf is not None
        response = browser.post(path, data={"_csrf_token": csrf.group(1), **fields})
    assert response.status_code >= 400, response.text
    return response.text


def _own_punctuation(html: str) -> list[str]:
    text = shown(html)
    for words in RECORD_WORDS:
        text = text.replace(words, "")
    return [text[max(0, found.start() - 30):found.end() + 30]
            for found in CJK_PUNCTUATION.finditer(text)]


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_in_chinese_keeps_its_punctuation(office: Office, name: str) -> None:
    html = _page(office, name, "zh")
    assert [said for said in KEPT_IN_CHINESE[name] if said not in html] == []


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_in_english_has_no_chinese_punctuation_but_the_records(office: Office,
                                                                      name: str) -> None:
    assert _own_punctuation(_page(office, name, "en")) == []


def test_refusals_in_english_have_no_chinese_punctuation_but_the_records(office: Office
                                                                         ) -> None:
    departure = _refused_form(office, "root", "/ui/admin/users/li/deactivate", "en")
    assert "open-loans" in departure
    destroyed = _refused_form(office, "qian", "/ui/holds", "en", reason="诉讼",
                              documents=office.ids["destroyed"])
    assert 'class="destroyed"' in destroyed
    assert (_own_punctuation(departure), _own_punctuation(destroyed)) == ([], [])


def test_roles_read_by_their_english_names_on_the_pages(office: Office) -> None:
    """One English name a role (档案管理员 Archivist, 合规专员 Compliance Officer …), in a
    list as in a sentence."""
    assert "Archivist, Compliance Officer" in shown(_page(office, "accounts", "en"))
    assert "Archivist, Compliance Officer" in shown(_page(office, "own account", "en"))
    sweep = shown(_page(office, "sweep", "en"))
    assert ("Department Head" in sweep, "Compliance Officer" in sweep) == (True, True)


@pytest.mark.parametrize("name", ["inventories", "conditions"])
def test_a_box_s_place_is_headed_location_not_the_breadcrumb_s_name(office: Office,
                                                                    name: str) -> None:
    english = _page(office, name, "en")
    assert ('data-label="Location"' in english, "Breadcrumb" in english) == (True, False)
    assert 'data-label="存放位置"' in _page(office, name, "zh")
