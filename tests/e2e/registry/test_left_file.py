"""Documents that left a household's file, on SQLite and on PostgreSQL: one destroyed
under a register (R6), one transferred out (移出). The registry says how each left
(``/registry/households/{household}/departures``); the household page counts and lists
only the document still held, as the item list (卷内目录) does, and lists the two apart
with when they left and a link to the register or the transfer; the loan form offers
only what can be lent, and a transferred one asked for is refused in words.

One file per backend (module-scoped); each test checks one consequence of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.retention.conftest import BACKENDS, served_on
from tests.e2e.retention.support import Archive
from tests.support.pages import signed_in

HOUSEHOLD = "A-0502"
BOX = {"building": "B", "room": "档案室", "cabinet": "5", "box": "9"}


@dataclass
class Left:
    archive: Archive
    kept: dict[str, Any]
    destroyed: dict[str, Any]
    transferred: dict[str, Any]
    register: dict[str, Any]
    transfer: dict[str, Any]


@pytest.fixture(scope="module", params=BACKENDS)
def left(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Left]:
    with served_on(request, tmp_path_factory, "left") as archive:
        archive.server.add_user("ma", "staff", clearance="ordinary",
                                department="customer_service")
        # Due for destruction in 2030 (filed 2015); the others are kept until 2035.
        destroyed = archive.file(household=HOUSEHOLD, title="2010年入住申请",
                                 security="confidential", location=BOX)
        transferred = archive.file(household=HOUSEHOLD, title="装修申请",
                                   filed_at="2025-03-01", location=BOX)
        kept = archive.file(household=HOUSEHOLD, title="物业费收据", filed_at="2025-04-01",
                            location=BOX)
        sweep = archive.approved([destroyed])
        archive.clock.advance(timedelta(days=184))
        register = archive.executed(archive.witnessed_register(sweep))
        archive.clock.advance(timedelta(days=1))
        with archive.as_("wang") as client:
            sent = client.post("/registry/transfers", json={
                "recipient": "新物业公司档案室", "reason": "业主更换物业",
                "documents": [transferred["document_id"]]})
        assert sent.status_code == 201, sent.text
        yield Left(archive=archive, kept=kept, destroyed=destroyed, transferred=transferred,
                   register=register, transfer=sent.json())


def _departures(left: Left, username: str) -> list[dict[str, Any]]:
    with left.archive.as_(username) as client:
        response = client.get(f"/registry/households/{HOUSEHOLD}/departures")
    assert response.status_code == 200, response.text
    departures: list[dict[str, Any]] = response.json()
    return departures


def _page(left: Left, username: str) -> tuple[str, str]:
    """The household page as ``username`` reads it: the file, then what left it."""
    with closing(signed_in(left.archive.server.url, username)) as browser:
        response = browser.get(f"/ui/households/{HOUSEHOLD}")
    assert response.status_code == 200, response.text
    file, _, gone = response.text.partition('<section aria-labelledby="left">')
    return file, gone


def test_the_registry_says_how_each_document_left_the_file_the_latest_first(
        left: Left) -> None:
    assert [(d["status"], d["document_id"]) for d in _departures(left, "wang")] == [
        ("transferred", left.transferred["document_id"]),
        ("destroyed", left.destroyed["document_id"])]
    transferred, destroyed = _departures(left, "wang")
    assert transferred["transfer_id"] == left.transfer["transfer_id"]
    assert transferred["recipient"] == "新物业公司档案室"
    assert destroyed["destruction_id"] == left.register["destruction_id"]


def test_a_departure_above_the_reader_s_clearance_is_left_out(left: Left) -> None:
    assert [d["document_id"] for d in _departures(left, "ma")] == [
        left.transferred["document_id"]]


def test_the_household_page_counts_and_lists_only_the_document_still_held(
        left: Left) -> None:
    file, _ = _page(left, "wang")
    with left.archive.as_("wang") as client:
        items = client.get(f"/registry/catalogues/households/{HOUSEHOLD}/items")
    assert items.status_code == 200, items.text
    assert "1 份文件" in file
    assert "物业费收据" in file
    assert "装修申请" not in file
    assert "2010年入住申请" not in file
    assert "B栋 档案室 5柜 9盒" in file
    assert [entry["title"] for part in items.json()["parts"]
            for entry in part["items"]] == ["物业费收据"]


def test_the_documents_that_left_are_listed_apart_with_when_and_a_link_to_their_record(
        left: Left) -> None:
    _, gone = _page(left, "wang")
    assert '<h2 id="left">已离开本户档案的文件</h2>' in gone
    assert '<h3 id="left-destroyed">已销毁 <span class="count">1 份</span></h3>' in gone
    assert '<caption class="visually-hidden">已销毁的文件</caption>' in gone
    assert "2010年入住申请" in gone
    assert "2030年7月13日" in gone  # the register was executed 184 days after 10 January
    assert f'href="/ui/destructions/{left.register["destruction_id"]}"' in gone
    assert '<h3 id="left-transferred">已移出 <span class="count">1 份</span></h3>' in gone
    assert "新物业公司档案室" in gone
    assert "2030年7月14日" in gone
    assert f'href="/ui/handovers#transfer-{left.transfer["transfer_id"]}"' in gone
    assert f'href="/ui/documents/{left.transferred["document_id"]}"' in gone


def test_a_reader_who_may_open_neither_record_sees_the_departures_without_links(
        left: Left) -> None:
    file, gone = _page(left, "ma")
    assert "1 份文件" in file
    assert "已销毁" not in gone
    assert "新物业公司档案室" in gone
    assert "/ui/handovers#" not in gone
    assert "移出登记" not in gone


def test_the_loan_form_offers_only_the_document_still_held(left: Left) -> None:
    with closing(signed_in(left.archive.server.url, "li")) as browser:
        form = browser.get("/ui/loans/new", params={"household": HOUSEHOLD})
    assert form.status_code == 200, form.text
    assert re.findall(r'name="documents" value="([^"]+)"', form.text) == [
        left.kept["document_id"]]


def test_a_transferred_document_asked_for_is_refused_saying_what_happened_and_what_to_do(
        left: Left) -> None:
    with closing(signed_in(left.archive.server.url, "li")) as browser:
        sent = browser.post("/ui/loans", data={
            "_csrf_token": browser.cookies["archive_csrf"],
            "documents": left.transferred["document_id"], "kind": "digital",
            "purpose": "核对", "reason": "业主来电", "household": HOUSEHOLD})
    assert sent.status_code == 422, sent.text
    assert "其中有文件已经移出档案室（纸质原件已交给接收单位），不再借阅。" in sent.text
    assert "档案系统没有接受这项操作" not in sent.text
