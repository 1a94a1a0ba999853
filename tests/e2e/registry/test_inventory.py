"""Periodic checks (O3) over HTTP, on SQLite with the directory store and on PostgreSQL
with SeaweedFS S3: an inventory of the boxes (帐物相符) with one box missing, the
discrepancy listed until resolved, the yearly statistics counting it and the files
organised (整理); a condition check against the seven protections (七防).

The shelf: box 3 holds A-1201 (two documents, one filed as A栋/档案室/12柜/3盒) and A-1203
(one), box 4 one of A-1201; one document has no location recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pypdfium2
import pytest

from tests.e2e.registry.conftest import document_body
from tests.e2e.retention.conftest import BACKENDS, served_on
from tests.e2e.retention.support import Archive

BOX_3 = {"building": "A", "room": "档案室", "cabinet": "12", "box": "3"}
BOX_4 = {**BOX_3, "box": "4"}
BOX_3_IN_WORDS = {"building": "A栋", "room": "档案室", "cabinet": "12柜", "box": "3盒"}
SEVEN = ("insects", "mould", "dust", "fire", "theft", "damp", "heat")


@pytest.fixture(scope="module", params=BACKENDS)
def shelf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Archive]:
    with served_on(request, tmp_path_factory, "inventory") as archive:
        for household, location in (("A-1201", BOX_3), ("A-1201", BOX_3_IN_WORDS),
                                    ("A-1203", BOX_3), ("A-1201", BOX_4), ("A-1205", None)):
            with archive.server.client(archive.server.service_token()) as client:
                response = client.post("/registry/documents", json=document_body(
                    household=household, location=location))
            assert response.status_code == 201, response.text
        yield archive


def _call(archive: Archive, method: str, path: str, username: str = "wang",
          **kwargs: Any) -> httpx.Response:
    with archive.as_(username) as client:
        return client.request(method, f"/registry{path}", **kwargs)


def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def _checks(archive: Archive) -> dict[str, int]:
    report = _ok(_call(archive, "GET", "/statistics", "qian", params={"year": 2030}))
    checks: dict[str, int] = report["checks"]
    return checks


def test_an_inventory_with_a_box_missing_keeps_the_discrepancy_open_until_resolved(
        shelf: Archive) -> None:
    inventory = _ok(_call(shelf, "POST", "/inventories", json={"note": "一月盘点"}))
    inventory_id = inventory["inventory_id"]
    assert [(i["item"], i["location"]["box"], i["households"], i["documents"], i["state"])
            for i in inventory["items"]] == [(1, "3", ["A-1201", "A-1203"], 3, None),
                                             (2, "4", ["A-1201"], 1, None)]
    assert inventory["unplaced"] == 1
    pdf = _call(shelf, "GET", f"/inventories/{inventory_id}/checklist.pdf")
    text = "".join(page.get_textpage().get_text_range()
                   for page in pypdfium2.PdfDocument(pdf.content))
    assert "档案盘点清单" in text
    assert "A栋 档案室 12柜 3盒" in text
    assert "栋栋" not in text
    assert "A-1201、A-1203" in text

    unchecked = _call(shelf, "POST", f"/inventories/{inventory_id}/complete")
    assert (unchecked.status_code, unchecked.json()["code"]) == (409, "items_unchecked")
    vague = _call(shelf, "POST", f"/inventories/{inventory_id}/items/2",
                  json={"state": "misplaced"})
    assert (vague.status_code, vague.json()["code"]) == (422, "note_required")
    _ok(_call(shelf, "POST", f"/inventories/{inventory_id}/items/1",
              json={"state": "present"}))
    _ok(_call(shelf, "POST", f"/inventories/{inventory_id}/items/2",
              json={"state": "missing", "note": "柜内未见"}))
    done = _ok(_call(shelf, "POST", f"/inventories/{inventory_id}/complete"))
    assert (done["status"], done["completed_by"]) == ("completed", "wang")
    late = _call(shelf, "POST", f"/inventories/{inventory_id}/items/1",
                 json={"state": "missing"})
    assert (late.status_code, late.json()["code"]) == (409, "inventory_completed")

    # A later inventory does not close it: the discrepancy stays listed until resolved.
    later = _ok(_call(shelf, "POST", "/inventories", json={}))
    assert later["tally"] == {"boxes": 2, "checked": 0, "missing": 0, "misplaced": 0}
    listed = _ok(_call(shelf, "GET", "/inventories", "zhao"))
    assert {i["inventory_id"]: (i["items"], i["tally"]) for i in listed} == {
        later["inventory_id"]: ([], later["tally"]),
        inventory_id: ([], {"boxes": 2, "checked": 2, "missing": 1, "misplaced": 0})}
    open_ = _ok(_call(shelf, "GET", "/discrepancies", "qian"))
    assert [(d["inventory_id"], d["item"]["item"], d["item"]["state"], d["item"]["note"])
            for d in open_] == [(inventory_id, 2, "missing", "柜内未见")]
    assert _checks(shelf) | {"condition_checks": 0, "with_problems": 0} == {
        "inventories": 1, "organised": 2, "discrepancies": 1, "unresolved": 1,
        "condition_checks": 0, "with_problems": 0}

    not_missing = _call(shelf, "POST", f"/inventories/{inventory_id}/items/1/resolve",
                        json={"resolution": "?"})
    assert (not_missing.status_code, not_missing.json()["code"]) == (409,
                                                                     "not_a_discrepancy")
    resolved = _ok(_call(shelf, "POST", f"/inventories/{inventory_id}/items/2/resolve",
                         "qian", json={"resolution": "在3号柜找到，已归位"}))
    item = resolved["items"][1]
    assert (item["resolution"], item["resolved_by"]) == ("在3号柜找到，已归位", "qian")
    assert item["resolved_at"] is not None
    again = _call(shelf, "POST", f"/inventories/{inventory_id}/items/2/resolve",
                  json={"resolution": "again"})
    assert (again.status_code, again.json()["code"]) == (409, "already_resolved")
    assert _ok(_call(shelf, "GET", "/discrepancies")) == []
    assert [d["item"]["resolved_by"] for d in _ok(_call(
        shelf, "GET", "/discrepancies", params={"resolved": True}))] == ["qian"]
    assert (_checks(shelf)["discrepancies"], _checks(shelf)["unresolved"]) == (1, 0)
    audited = {entry["action"] for entry in _ok(_call(shelf, "GET", "/audit", "qian",
                                                      params={"limit": 1000}))}
    assert {"inventory_started", "inventory_item_checked", "inventory_completed",
            "discrepancy_resolved"} <= audited


def test_a_condition_check_records_the_seven_protections(shelf: Archive) -> None:
    due = _ok(_call(shelf, "GET", "/condition-checks/due"))
    assert [(box["location"]["box"], box["last_checked_on"]) for box in due] == [
        ("3", None), ("4", None)]
    protections: dict[str, Any] = {name: {"state": "ok"} for name in SEVEN}
    protections["mould"] = {"state": "problem", "note": "盒底受潮发霉"}
    check = _ok(_call(shelf, "POST", "/condition-checks", json={
        "location": BOX_3_IN_WORDS, "checked_on": "2030-01-09", "protections": protections,
        "repaired": "更换档案盒，除霉", "copied": "2016年入住资料复印存档"}))
    assert (check["problems"], check["checked_by"], check["repaired"]) == (
        1, "wang", "更换档案盒，除霉")
    assert check["protections"]["mould"] == {"state": "problem", "note": "盒底受潮发霉"}
    incomplete = _call(shelf, "POST", "/condition-checks", json={
        "location": BOX_4, "checked_on": "2030-01-09",
        "protections": {name: {"state": "ok"} for name in SEVEN[:6]}})
    assert incomplete.status_code == 400
    ahead = _call(shelf, "POST", "/condition-checks", json={  # today is 2030-01-10
        "location": BOX_4, "checked_on": "2030-03-01", "protections": protections})
    assert (ahead.status_code, ahead.json()["code"]) == (422, "date_in_future")
    listed = _ok(_call(shelf, "GET", "/condition-checks", "qian", params={"year": 2030}))
    assert [c["check_id"] for c in listed] == [check["check_id"]]
    checks = _checks(shelf)
    assert (checks["condition_checks"], checks["with_problems"]) == (1, 1)
    assert [box["location"]["box"] for box in _ok(_call(
        shelf, "GET", "/condition-checks/due"))] == ["4"]


def test_only_the_archive_s_people_take_inventories(shelf: Archive) -> None:
    refused = _call(shelf, "POST", "/inventories", "li", json={})
    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")
    unknown = _call(shelf, "GET", "/inventories/nope")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_inventory")


@pytest.mark.parametrize("typed", ["a", "Ａ栋", " A座 "])
def test_a_building_is_read_as_staff_type_it(shelf: Archive, typed: str) -> None:
    inventory = _ok(_call(shelf, "POST", "/inventories",
                          json={"building": typed, "note": f"按“{typed}”盘点"}))
    assert (inventory["building"], inventory["tally"]["boxes"]) == ("A", 2)


def test_an_inventory_of_a_building_with_no_box_is_refused(shelf: Archive) -> None:
    listed = _ok(_call(shelf, "GET", "/inventories"))
    for typed in ("Z", "不存在的楼"):  # a building of another name is taken as written
        empty = _call(shelf, "POST", "/inventories", json={"building": typed})
        assert (empty.status_code, empty.json()["code"]) == (409, "no_boxes")
    assert _ok(_call(shelf, "GET", "/inventories")) == listed


def test_the_audit_log_names_the_box_marked_and_what_was_done(shelf: Archive) -> None:
    """O4: an entry of a mark or a resolution reads alone, as a condition check's does:
    which box (not the checklist's row number), where a misplaced one was found, and
    what was done about it."""
    inventory_id = _ok(_call(shelf, "POST", "/inventories",
                             json={"note": "审计"}))["inventory_id"]
    _ok(_call(shelf, "POST", f"/inventories/{inventory_id}/items/2",
              json={"state": "misplaced", "note": "在5号柜找到"}))
    _ok(_call(shelf, "POST", f"/inventories/{inventory_id}/items/2/resolve",
              json={"resolution": "已放回12柜"}))
    audited = _ok(_call(shelf, "GET", "/audit", "qian", params={"limit": 1000}))
    ours = {entry["action"]: entry["detail"] for entry in audited
            if entry["detail"].get("inventory_id") == inventory_id}
    assert ours["inventory_item_checked"] | {"inventory_id": ""} == {
        "inventory_id": "", "item": 2, "state": "misplaced", "note": "在5号柜找到",
        **BOX_4}
    assert ours["discrepancy_resolved"] | {"inventory_id": ""} == {
        "inventory_id": "", "item": 2, "resolution": "已放回12柜", **BOX_4}
