"""The catalogues' and inventory's pure rules: a file's parts (D3) newest first (D4),
boxes in natural order (D7), one box however its location was written,
the place as printed, the inventory's checklist."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

from services.common.contracts.households import Occupancy
from services.common.contracts.inventory import InventoryItem
from services.common.contracts.operations import CatalogueFile, ItemList
from services.common.contracts.registry import PaperLocation
from services.registry.catalogues import printed
from services.registry.catalogues.rules import Entry, by_box, parts_of, place
from services.registry.inventory.models import Holding, ListedBox
from services.registry.inventory.rules import as_seen, checklist


def _box(cabinet: str, box: str) -> PaperLocation:
    return PaperLocation(building="A", room="档案室", cabinet=cabinet, box=box)


def _entry(number: int, occupancy: int | None, *, location: PaperLocation | None = None,
           household: str = "A-1201",
           closed: bool = False) -> Entry:
    return Entry(document_id=f"d{number}", archive_no=f"2024-repair-{household}-{number:04d}",
                 household=household, occupancy_id=occupancy, filed_at=date(2024, 1, number),
                 title=f"title {number}", pages=1,
                 location=location, is_copy=False, in_closed_part=closed)


def _file(household: str) -> CatalogueFile:
    return CatalogueFile(household=household, building="A", floor=12,
                         unit=int(household[-2:]), label=None, closed=False, documents=0,
                         pages=0, closed_parts=0, closed_documents=0, first_filed=None,
                         last_filed=None)


def test_the_open_part_comes_first_then_the_unattached_then_the_closed_latest_first() -> None:
    occupants = [Occupancy(occupancy_id=1, occupant="甲", moved_in=date(2010, 1, 1),
                           moved_out=date(2015, 1, 1)),
                 Occupancy(occupancy_id=2, occupant="乙", moved_in=date(2015, 1, 1),
                           moved_out=date(2020, 1, 1)),
                 Occupancy(occupancy_id=3, occupant="丙", moved_in=date(2020, 1, 1),
                           moved_out=None)]
    entries = [_entry(9, 3), _entry(8, None), _entry(7, 1), _entry(6, 2), _entry(5, 1)]
    parts = parts_of(occupants, entries)
    assert [(p.occupant, p.closed, [i.document_id for i in p.items]) for p in parts] == [
        ("丙", False, ["d9"]), (None, False, ["d8"]), ("乙", True, ["d6"]),
        ("甲", True, ["d7", "d5"])]
    assert [i.position for i in parts[3].items] == [1, 2]


def test_boxes_come_in_natural_order_with_the_unplaced_last() -> None:
    entries = [_entry(1, None, location=_box("10", "1")), _entry(2, None, location=_box("2", "1")),
               _entry(3, None), _entry(4, None, location=_box("2", "1"), household="A-1203")]
    boxes = by_box([_file("A-1201"), _file("A-1203")], entries)
    assert [(b.location and b.location.cabinet, [(f.household, f.documents) for f in b.files])
            for b in boxes] == [("2", [("A-1201", 1), ("A-1203", 1)]),
                                ("10", [("A-1201", 1)]), (None, [("A-1201", 1)])]


def test_a_box_written_two_ways_is_one_box_in_the_catalogue_and_the_checklist() -> None:
    """A栋/1柜/3盒, a/1/3 and Ａ/cabinet 1/box 3 are one box; boxes come by building,
    room, cabinet number, box number (box 5 after box 3, cabinet 10 after cabinet 2)."""
    written = [PaperLocation(building="A栋", room="档案室", cabinet="1柜", box="3盒"),
               PaperLocation(building="a", room="档案室", cabinet="1", box="3"),
               PaperLocation(building="Ａ", room="档案室", cabinet="cabinet 1", box="box 3")]
    elsewhere = [_box("1", "5"), _box("10", "1"), _box("2", "12"), _box("2", "9"),
                 PaperLocation(building="B", room="档案室", cabinet="1", box="1")]
    entries = [_entry(n, None, location=where)
               for n, where in enumerate([*elsewhere, *written], start=1)]
    boxes = by_box([_file("A-1201")], entries)
    order = [("A", "1", "3"), ("A", "1", "5"), ("A", "2", "9"), ("A", "2", "12"),
             ("A", "10", "1"), ("B", "1", "1")]
    assert [(b.location.building, b.location.cabinet, b.location.box)
            for b in boxes if b.location] == order
    assert boxes[0].files[0].documents == 3
    listed, _ = checklist((where, "A-1201", "ordinary") for where in [*elsewhere, *written])
    assert [(b.location.building, b.location.cabinet, b.location.box,
             b.held["ordinary"].documents)
            for b in listed] == [(*box, 3 if box == order[0] else 1) for box in order]


def test_a_place_is_printed_with_each_word_once() -> None:
    assert place(PaperLocation(building="A栋", room="档案室", cabinet="3柜", box="12")) == \
        "A栋 档案室 3柜 12盒"
    assert place(PaperLocation(building="档案楼", room="二层", cabinet="东墙柜", box="3")) == \
        "档案楼 二层 东墙柜 3盒"
    assert place(None) == "（未登记）"


def test_a_box_s_row_counts_the_closed_parts_and_documents_in_that_box_only() -> None:
    """D3: of a file with three closed-part documents, two in box 3 and one in box 5,
    box 3's row counts two and box 5's one; the open part's counts none."""
    entries = [_entry(1, 2, location=_box("1", "3")), _entry(2, 1, location=_box("1", "3"),
                                                             closed=True),
               _entry(3, 1, location=_box("1", "3"), closed=True),
               _entry(4, 1, location=_box("1", "5"), closed=True),
               _entry(5, 2, location=_box("1", "5"))]
    boxes = by_box([_file("A-1201")], entries)
    assert [(f.documents, f.closed_parts, f.closed_documents)
            for box in boxes for f in box.files] == [(3, 1, 2), (2, 1, 1)]
    open_only = by_box([_file("A-1201")], [_entry(1, 2, location=_box("1", "3"))])
    assert (open_only[0].files[0].closed_parts, open_only[0].files[0].closed_documents) == (
        0, 0)


def test_the_checklist_has_a_box_per_item_and_counts_the_unplaced() -> None:
    boxes, unplaced = checklist([(_box("2", "1"), "A-1201", "ordinary"),
                                 (_box("2", "1"), "A-1203", "ordinary"),
                                 (_box("2", "1"), "A-1201", "ordinary"),
                                 (None, "A-1205", "ordinary"), (_box("1", "9"), None, "ordinary")])
    assert [(b.location.cabinet, b.held["ordinary"].households, b.held["ordinary"].documents)
            for b in boxes] == [("1", [], 1), ("2", ["A-1201", "A-1203"], 3)]
    assert unplaced == {"ordinary": 1}


def _listed(boxes: list[ListedBox]) -> list[tuple[InventoryItem, Holding]]:
    return [(InventoryItem(item=number, location=box.location, households=[], documents=0,
                           state=None, note=None, checked_by=None, checked_at=None,
                           resolution=None, resolved_by=None, resolved_at=None), box.held)
            for number, box in enumerate(boxes, 1)]


def test_a_reader_sees_the_checklist_within_their_clearance_numbered_without_gaps() -> None:
    boxes, _ = checklist([(_box("1", "1"), "A-1201", "ordinary"),
                          (_box("1", "2"), "K-0909", "secret"),
                          (_box("1", "3"), "A-1203", "confidential"),
                          (_box("1", "3"), "A-1204", "secret"),
                          (_box("1", "4"), "A-1205", "ordinary")])
    ordinary = as_seen(_listed(boxes), ["ordinary"])
    assert [(i.item, i.location.box, i.households, i.documents) for i in ordinary] == [
        (1, "1", ["A-1201"], 1), (2, "4", ["A-1205"], 1)]
    confidential = as_seen(_listed(boxes), ["ordinary", "confidential"])
    assert [(i.item, i.location.box, i.households, i.documents) for i in confidential] == [
        (1, "1", ["A-1201"], 1), (2, "3", ["A-1203"], 1), (3, "4", ["A-1205"], 1)]
    every = as_seen(_listed(boxes), ["ordinary", "confidential", "secret"])
    assert [(i.item, i.households, i.documents) for i in every] == [
        (1, ["A-1201"], 1), (2, ["K-0909"], 1), (3, ["A-1203", "A-1204"], 2),
        (4, ["A-1205"], 1)]


def test_a_paper_file_not_yet_scanned_is_printed_as_such_not_as_0_pages() -> None:
    """A document catalogued before its scan has no page in the archive (0): its item
    list row says 未扫描, and a file's (or a box's) page count, of its scanned documents
    only, says how many are not scanned; a folder label does not print 0 页."""
    scanned = [_entry(1, 1, location=_box("1", "3")), _entry(2, 1, location=_box("1", "3"))]
    catalogued = [dataclasses.replace(_entry(number, None, location=_box("1", "3")),
                                      pages=0)
                  for number in (3, 4)]
    mixed = by_box([_file("A-1201")], [*scanned, *catalogued])[0].files[0]
    not_yet = by_box([_file("A-1201")], catalogued)[0].files[0]
    assert (mixed.documents, mixed.pages, mixed.unscanned) == (4, 2, 2)
    assert printed.page_count(mixed) == "2（2 件未扫描）"
    assert printed.page_count(not_yet) == "未扫描"
    assert printed.folder_label(mixed)[3] == "共 4 件 2 页（2 件未扫描）  2024–2024"
    assert printed.folder_label(not_yet)[3] == "共 2 件（2 件未扫描）  2024–2024"
    assert "0 页" not in printed.folder_label(not_yet)[3]
    items = ItemList(household="A-1201", label="张伟", parts=parts_of([], catalogued))
    rows = list(csv.reader(io.StringIO(printed.items_csv(items).decode("utf-8-sig"))))
    assert [row[8] for row in rows[1:]] == ["未扫描", "未扫描"]
    general = list(csv.reader(io.StringIO(printed.general_csv([mixed]).decode("utf-8-sig"))))
    assert general[1][8] == "2（2 件未扫描）"
