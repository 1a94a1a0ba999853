"""Catalogues and labels (档案目录, D1–D4) over HTTP, on SQLite with the directory store
and on PostgreSQL with SeaweedFS S3: the general catalogue, a floor's file catalogue by
box, a file's item list newest first with its closed parts apart, labels, D3's yearly
catalogue of closed parts (also through ``archive catalogue``), read back from the PDFs.

The floor, A栋 12层:

    A-1201  华信贸易有限公司 2015-03-01 → 2021-07-01 (closed), then 张伟
            2016-05-01 华信入住资料 (box 3, filed as A栋/档案室/12柜/3盒),
            2018-01-01 =SUM(A1) (filed in box 4, corrected to box 3 as a/档案室/12/03),
            2022-01-15 张伟装修申请 (box 3), 2023-08-20 张伟缴费记录 (box 3),
            2024-03-01 停车位纠纷处理 (box 4, confidential)
    A-1203  刘洋 2019-01-01 → 2025-06-30 (moved out: the file is closed)
            2020-02-02 刘洋报修记录 (box 3)
    A-0801  on another floor, no documents
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pypdfium2
import pytest

from tests.e2e.registry.conftest import document_body
from tests.e2e.retention.conftest import BACKENDS, served_on
from tests.e2e.retention.support import Archive
from tests.support.processes import run_client

BOX_3 = {"building": "A", "room": "档案室", "cabinet": "12", "box": "3"}
BOX_4 = {**BOX_3, "box": "4"}
BOX_3_IN_WORDS = {"building": "A栋", "room": "档案室", "cabinet": "12柜", "box": "3盒"}
"""Box 3 as the README's example and the digitising form write it."""
BOX_3_CORRECTED = {"building": "a", "room": " 档案室", "cabinet": "12", "box": "03"}


@pytest.fixture(scope="module", params=BACKENDS)
def shelf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Archive]:
    with served_on(request, tmp_path_factory, "catalogues") as archive:
        archive.server.add_user("ma", "archivist", clearance="ordinary")
        with archive.as_("wang") as client:
            for body in ({"household": "A-1201", "occupant": "华信贸易有限公司",
                          "moved_in": "2015-03-01"},
                         {"household": "A-1203", "occupant": "刘洋", "moved_in": "2019-01-01"},
                         {"household": "A-0801"}):
                assert client.post("/registry/households", json=body).status_code == 201
            assert client.post("/registry/households/A-1201/occupants", json={
                "occupant": "张伟", "moved_in": "2021-07-01"}).status_code == 200
        filed: dict[str, str] = {}
        for household, title, filed_at, location, security in (
                ("A-1201", "华信入住资料", "2016-05-01", BOX_3_IN_WORDS, "ordinary"),
                ("A-1201", "=SUM(A1)", "2018-01-01", BOX_4, "ordinary"),
                ("A-1201", "张伟装修申请", "2022-01-15", BOX_3, "ordinary"),
                ("A-1201", "张伟缴费记录", "2023-08-20", BOX_3, "ordinary"),
                ("A-1201", "停车位纠纷处理", "2024-03-01", BOX_4, "confidential"),
                ("A-1203", "刘洋报修记录", "2020-02-02", BOX_3, "ordinary")):
            with archive.server.client(archive.server.service_token()) as client:
                response = client.post("/registry/documents", json=document_body(
                    household=household, title=title, filed_at=filed_at, location=location,
                    security=security, pages=2))
            assert response.status_code == 201, response.text
            filed[title] = response.json()["document_id"]
        with archive.as_("wang") as client:
            corrected = client.post(f"/registry/documents/{filed['=SUM(A1)']}/corrections",
                                    json={"changes": {"location": BOX_3_CORRECTED},
                                          "reason": "位置按盒上标签重新登记"})
            assert corrected.status_code == 201, corrected.text
            same_box = client.post(f"/registry/documents/{filed['华信入住资料']}/corrections",
                                   json={"changes": {"location": BOX_3}, "reason": "同一盒"})
            assert same_box.json()["code"] == "no_changes"
            assert client.post("/registry/households/A-1203/move-out", json={
                "moved_out": "2025-06-30"}).status_code == 200
        yield archive


def _get(archive: Archive, path: str, username: str = "wang", **params: Any
         ) -> httpx.Response:
    with archive.as_(username) as client:
        response = client.get(f"/registry/catalogues{path}", params=params)
    assert response.status_code == 200, response.text
    return response


def _pages(content: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(content)]


def _in_order(text: str, *parts: str) -> bool:
    """Each of ``parts`` is in ``text`` after the one before it."""
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def test_the_general_catalogue_lists_every_file_in_cabinet_order(shelf: Archive) -> None:
    files = _get(shelf, "/general").json()
    assert [(f["household"], f["label"], f["closed"], f["documents"], f["closed_parts"],
             f["closed_documents"]) for f in files] == [
        ("A-0801", None, False, 0, 0, 0),
        ("A-1201", "张伟", False, 5, 1, 2),
        ("A-1203", None, True, 1, 1, 1)]
    text = "".join(_pages(_get(shelf, "/general.pdf").content))
    assert _in_order(text, "档案总目录", "A-0801", "A-1201", "张伟", "A-1203", "已闭卷")
    rows = list(csv.DictReader(io.StringIO(_get(shelf, "/general.csv").content
                                           .decode("utf-8-sig"))))
    assert [(r["户号"], r["标牌"], r["状态"], r["件数"]) for r in rows] == [
        ("A-0801", "（空置）", "空置", "0"), ("A-1201", "张伟", "在住", "5"),
        ("A-1203", "（空置）", "已闭卷", "1")]


def test_a_file_s_item_list_is_newest_first_with_closed_parts_apart(shelf: Archive) -> None:
    items = _get(shelf, "/households/A-1201/items").json()
    assert [(p["occupant"], p["closed"], [i["title"] for i in p["items"]])
            for p in items["parts"]] == [
        ("张伟", False, ["停车位纠纷处理", "张伟缴费记录", "张伟装修申请"]),
        ("华信贸易有限公司", True, ["=SUM(A1)", "华信入住资料"])]
    first = items["parts"][0]["items"][0]
    assert (first["position"], first["filed_at"], first["pages"], first["location"]) == (
        1, "2024-03-01", 2, BOX_4)
    text = "".join(_pages(_get(shelf, "/households/A-1201/items.pdf").content))
    assert _in_order(text, "卷内目录", "张伟", "停车位纠纷处理", "张伟缴费记录", "张伟装修申请",
                     "华信贸易有限公司", "已闭卷", "=SUM(A1)", "华信入住资料")
    assert "A栋 档案室 12柜 4盒" in text
    assert "A栋 档案室 12柜 3盒" in text
    assert "栋栋" not in text
    assert "柜柜" not in text
    assert [i["location"] for p in items["parts"] for i in p["items"]] == [
        BOX_4, BOX_3, BOX_3, BOX_3, BOX_3]
    raw = _get(shelf, "/households/A-1201/items.csv").content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["部分"], r["序号"], r["题名"]) for r in rows] == [
        ("在卷", "1", "停车位纠纷处理"), ("在卷", "2", "张伟缴费记录"),
        ("在卷", "3", "张伟装修申请"),
        ("已闭卷", "1", "'=SUM(A1)"), ("已闭卷", "2", "华信入住资料")]


def test_a_document_above_the_reader_s_clearance_is_neither_listed_nor_counted(
        shelf: Archive) -> None:
    items = _get(shelf, "/households/A-1201/items", "ma").json()
    assert [[i["title"] for i in part["items"]] for part in items["parts"]] == [
        ["张伟缴费记录", "张伟装修申请"], ["=SUM(A1)", "华信入住资料"]]
    text = "".join(_pages(_get(shelf, "/households/A-1201/items.pdf", "ma").content))
    assert "停车位纠纷处理" not in text
    assert "2024-correspondence-A-1201-0001" not in text
    files = {f["household"]: f for f in _get(shelf, "/general", "ma").json()}
    assert (files["A-1201"]["documents"], files["A-1201"]["last_filed"]) == (4, "2023-08-20")
    boxes = _get(shelf, "/floors/A/12", "ma").json()["boxes"]
    assert [(b["location"]["box"], [f["documents"] for f in b["files"]]) for b in boxes] == [
        ("3", [4, 1])]


def test_a_floor_s_file_catalogue_has_a_page_per_box(shelf: Archive) -> None:
    """One page per box however its location was written; a file's row in a box counts
    its closed parts and documents in that box only (D3)."""
    floor = _get(shelf, "/floors/A/12").json()
    assert [(box["location"], [(f["household"], f["documents"], f["closed_parts"],
                                f["closed_documents"]) for f in box["files"]])
            for box in floor["boxes"]] == [
        (BOX_3, [("A-1201", 4, 1, 2), ("A-1203", 1, 1, 1)]), (BOX_4, [("A-1201", 1, 0, 0)])]
    pages = _pages(_get(shelf, "/floors/A/12/catalogue.pdf").content)
    assert len(pages) == 2
    assert "A栋 档案室 12柜 3盒" in pages[0]
    assert not any("栋栋" in page or "柜柜" in page for page in pages)
    assert _in_order(pages[0], "3盒", "A-1201", "A-1203")
    assert _in_order(pages[1], "4盒", "A-1201")
    assert "A-1203" not in pages[1]
    rows = list(csv.DictReader(io.StringIO(_get(shelf, "/floors/A/12/catalogue.csv")
                                           .content.decode("utf-8-sig"))))
    assert [(r["盒位置"], r["户号"], r["件数"], r["闭卷件数"]) for r in rows] == [
        ("A栋 档案室 12柜 3盒", "A-1201", "4", "2"), ("A栋 档案室 12柜 3盒", "A-1203", "1", "1"),
        ("A栋 档案室 12柜 4盒", "A-1201", "1", "0")]


def test_labels_carry_the_number_and_the_current_occupant(shelf: Archive) -> None:
    folders = _pages(_get(shelf, "/labels.pdf", building="A", floor=12).content)
    assert len(folders) == 1
    assert _in_order(folders[0], "A-1201", "张伟", "A-1203", "（空置）", "已闭卷")
    boxes = "".join(_pages(_get(shelf, "/labels.pdf", kind="boxes", building="A").content))
    assert _in_order(boxes, "A栋 档案室 12柜 3盒", "A-1201 张伟", "A栋 档案室 12柜 4盒")
    assert boxes.count("档案室") == 2


def test_one_households_labels_are_its_own_only(shelf: Archive, tmp_path: Path) -> None:
    """A new file's folder, or its boxes, without a floor's sheet of others' labels."""
    folder = _pages(_get(shelf, "/labels.pdf", household="A-1201").content)
    assert len(folder) == 1
    assert _in_order(folder[0], "A-1201", "张伟")
    assert "A-1203" not in folder[0]
    boxes = "".join(_pages(_get(shelf, "/labels.pdf", kind="boxes", household="A-1203")
                           .content))
    assert "A栋 档案室 12柜 3盒" in boxes
    assert "A-1201" not in boxes
    run = run_client(shelf.server.url, shelf.server.tokens["wang"], "labels", "--household",
                     "a1201", "--out", str(tmp_path / "a1201.pdf"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert _pages((tmp_path / "a1201.pdf").read_bytes()) == folder


@pytest.mark.parametrize(("options", "said"), [
    (["--kind", "boxes", "--building", "Z"], "no box recorded for a household of building Z"),
    (["--floor", "99"], "no household on floor 99"),
    (["--building", "A", "--floor", "9"], "no household on floor 9 of building A"),
    (["--household", "A-1299"], "no household named A-1299")])
def test_labels_of_a_building_or_floor_with_nothing_are_refused(
        shelf: Archive, tmp_path: Path, options: list[str], said: str) -> None:
    run = run_client(shelf.server.url, shelf.server.tokens["wang"], "labels", *options,
                     "--out", str(tmp_path / "labels.pdf"), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{said}: nothing to label (nothing_to_label)" in run.stderr
    assert not (tmp_path / "labels.pdf").exists()


def test_the_yearly_run_prints_each_floor_s_closed_parts(shelf: Archive, tmp_path: Path
                                                         ) -> None:
    assert _get(shelf, "/closed", year=2025).json() == [
        {"building": "A", "floor": 12, "households": 1, "documents": 1}]
    assert _get(shelf, "/closed", year=2021).json() == [
        {"building": "A", "floor": 12, "households": 1, "documents": 2}]
    run = run_client(shelf.server.url, shelf.server.tokens["wang"], "catalogue", "--closed",
                     "--year", "2021", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["closed-2021-A-12.pdf"]
    text = "".join(_pages((tmp_path / "out" / "closed-2021-A-12.pdf").read_bytes()))
    assert _in_order(text, "2021年度闭卷目录", "A-1201", "华信贸易有限公司", "=SUM(A1)",
                     "华信入住资料")
    assert "张伟装修申请" not in text


def test_only_the_archive_s_people_print_catalogues(shelf: Archive) -> None:
    with shelf.as_("li") as client:
        response = client.get("/registry/catalogues/general")
    assert (response.status_code, response.json()["code"]) == (403, "role_required")
    with shelf.as_("wang") as client:
        missing = client.get("/registry/catalogues/households/Z-9999/items")
        nowhere = client.get("/registry/catalogues/floors/Z/99/catalogue.pdf")
    assert (missing.status_code, missing.json()["code"]) == (404, "unknown_household")
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "unknown_floor")


def test_a_part_closed_before_anything_was_filed_is_counted_alike_in_every_catalogue(
        shelf: Archive) -> None:
    """The general catalogue and the floor's counted a file's closed parts two ways (its
    closed occupancies; the closed parts holding documents in a box): a part closed with
    nothing in it made 2 in one and 1 in the other. Both count the parts holding paper."""
    with shelf.as_("wang") as client:
        assert client.post("/registry/households", json={
            "household": "B-0505", "occupant": "林美玲", "moved_in": "2020-01-01"}
        ).status_code == 201
        assert client.post("/registry/households/B-0505/occupants", json={
            "occupant": "林美玲公司", "moved_in": "2022-06-01"}).status_code == 200
    shelf.file(household="B-0505", title="林美玲公司入住资料", filed_at="2023-02-01",
               location={"building": "B", "room": "档案室", "cabinet": "5", "box": "1"})
    general = {f["household"]: f for f in _get(shelf, "/general").json()}
    [box] = _get(shelf, "/floors/B/5").json()["boxes"]
    [in_box] = box["files"]
    assert (general["B-0505"]["closed_parts"], general["B-0505"]["closed_documents"]) == (0, 0)
    assert (in_box["closed_parts"], in_box["closed_documents"]) == (0, 0)


def test_a_floor_written_in_words_is_printed(shelf: Archive, tmp_path: Path) -> None:
    """``--floor`` as staff write a floor (A栋12层), not only A/12 (it was refused)."""
    run = run_client(shelf.server.url, shelf.server.tokens["wang"], "catalogue", "--floor",
                     "A栋12层", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["catalogue-A-12.pdf"]
