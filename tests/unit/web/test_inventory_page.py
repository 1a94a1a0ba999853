"""How the inventory pages arrange the registry's answers: the checklist by cabinet, the
box a mark moves on to, this month's inventories, the box the condition form is for, and
the seven protections of a check in the regulations' order."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import msgspec

from services.common.contracts.inventory import (
    BOX_STATE_NAMES,
    PROTECTIONS,
    BoxDue,
    ConditionCheck,
    Inventory,
    InventoryItem,
    InventoryTally,
    ProtectionCheck,
    Protections,
)
from services.common.contracts.registry import PaperLocation
from services.web.inventory_page import (
    MARKS,
    cabinets,
    chosen_box,
    next_item,
    protection_lines,
    this_month,
)
from services.web.navigation import layout as page_layout
from tests.unit.web.conftest import WANG, in_both_languages, shared_pages


def _box(cabinet: str, box: str) -> PaperLocation:
    return PaperLocation(building="A", room="档案室", cabinet=cabinet, box=box)


def _inventory(*states: tuple[str, str, str | None], started: datetime | None = None
               ) -> Inventory:
    items = [InventoryItem(item=number, location=_box(cabinet, box), households=[],
                           documents=1, state=state,  # type: ignore[arg-type]
                           note=None, checked_by=None, checked_at=None, resolution=None,
                           resolved_by=None, resolved_at=None)
             for number, (cabinet, box, state) in enumerate(states, 1)]
    return Inventory(
        inventory_id="i", status="open", building=None, note=None, clearance="ordinary",
        unplaced=0,
        started_by="wang", started_at=started or datetime(2030, 1, 10, tzinfo=UTC),
        completed_by=None, completed_at=None,
        tally=InventoryTally(boxes=len(items), checked=0, missing=0, misplaced=0),
        items=items)


def test_the_checklist_stands_by_cabinet_in_its_order() -> None:
    grouped = cabinets(_inventory(("2", "1", None), ("2", "2", None), ("10", "1", None)))
    assert [(c.cabinet, [i.item for i in c.items]) for c in grouped] == [
        ("2", [1, 2]), ("10", [3])]


def test_a_mark_moves_on_to_the_next_box_not_marked_yet() -> None:
    inventory = _inventory(("1", "1", "present"), ("1", "2", "present"), ("1", "3", None),
                           ("1", "4", None))
    assert next_item(inventory, 1) == 3
    assert next_item(inventory, 3) == 4
    # Past the last box not marked: the next box, else back to the first.
    assert next_item(_inventory(("1", "1", None), ("1", "2", "missing")), 1) == 2
    assert next_item(_inventory(("1", "1", "present"), ("1", "2", "missing")), 2) == 1
    assert next_item(_inventory(), 1) is None


def test_this_months_inventories_are_those_started_in_the_month() -> None:
    january = _inventory(started=datetime(2030, 1, 2, tzinfo=UTC))
    december = _inventory(started=datetime(2029, 12, 31, 15, tzinfo=UTC))
    # 1 January 01:30 in Shanghai is still 31 December in UTC: the company's month counts.
    new_year = _inventory(started=datetime(2029, 12, 31, 17, 30, tzinfo=UTC))
    shanghai = ZoneInfo("Asia/Shanghai")
    assert this_month([january, december, new_year], date(2030, 1, 31), shanghai) == [
        january, new_year]
    assert this_month([january, december, new_year], date(2030, 2, 1), shanghai) == []


def test_the_condition_form_is_for_the_box_asked_else_the_first_due() -> None:
    due = [BoxDue(location=_box("1", "7"), last_checked_on=None)]
    assert chosen_box(due, "B", "库房", "3", "9") == PaperLocation(
        building="B", room="库房", cabinet="3", box="9")
    assert chosen_box(due, "B", "", "3", "9") == _box("1", "7")
    assert chosen_box([], "", "", "", "") is None


def test_a_checks_protections_come_in_the_regulations_order() -> None:
    found = {name: ProtectionCheck(state="ok") for name in PROTECTIONS} | {
        "damp": ProtectionCheck(state="problem", note="盒底受潮")}
    check = ConditionCheck(
        check_id="c", location=_box("1", "1"), checked_on=date(2030, 1, 10),
        protections=Protections(**found), problems=1, repaired=None, copied=None,
        note=None, checked_by="sun", recorded_at=datetime(2030, 1, 10, tzinfo=UTC))
    lines = protection_lines(check)
    assert [line.title for line in lines] == ["防虫", "防霉", "防尘", "防火", "防盗", "防潮",
                                               "防高温"]
    assert [(line.state, line.note) for line in lines][-3:] == [
        ("ok", None), ("problem", "盒底受潮"), ("ok", None)]


def test_a_saved_rows_mark_and_who_checked_it_are_heard_apart() -> None:
    checked = _inventory(("12", "3", "present"))
    entry = msgspec.structs.replace(checked.items[0], checked_by="wu",
                                    checked_at=datetime(2030, 1, 10, 9, tzinfo=UTC))
    html = shared_pages().html("zh", "_inventory_row.html", page_layout(WANG, "/ui/inventories/i",
                                                                 "token") | {
        "inventory": checked, "entry": entry, "following": None, "refused": "",
        "just_saved": True, "can": True, "marks": MARKS, "state_names": BOX_STATE_NAMES})
    saved = html[html.index('class="saved">'):].split("</td>")[0]
    # As the page's script reads it out: the text, its spaces squeezed.
    heard = " ".join(re.sub(r"<[^>]+>", "", saved.removeprefix('class="saved">')).split())
    assert heard.startswith("已保存：在位（wu 于 ")


def test_an_english_row_marks_the_chinese_room_in_text_not_in_its_buttons_names() -> None:
    """WCAG 3.1.2: the room typed in Chinese is marked zh where the page shows it; an
    attribute holds text only, so the buttons' names say it without markup."""
    checked = _inventory(("12", "3", None))
    html = shared_pages().html("en", "_inventory_row.html", page_layout(WANG, "/ui/inventories/i",
                                                                 "token") | {
        "inventory": checked, "entry": checked.items[0], "following": None, "refused": "",
        "just_saved": False, "can": True, "marks": MARKS, "state_names": BOX_STATE_NAMES})
    names = re.findall(r'aria-label="([^"]*)"', html)
    assert names
    assert all("档案室" in name and "<" not in name and "&lt;" not in name for name in names)


def test_an_inventory_started_twice_opens_the_first_saying_no_second_was_made() -> None:
    """A double click on 开始盘点 listed every box twice, in two checklists; the registry
    now answers the second with the first (409 ``inventory_exists``), and its page says
    why the person is on it."""
    inventory = _inventory(("1", "1", None))
    chinese, english = in_both_languages(
        WANG, "/ui/inventories/i", "inventory.html", inventory=inventory,
        cabinets=cabinets(inventory), can=True, cleared=True, marks=MARKS,
        state_names=BOX_STATE_NAMES, status_names={"open": "进行中"}, marked_event="marked",
        done="already_started", refused="")
    assert "这次盘点您今天已经开始过了（表单多提交了一次），没有再生成一份清单" in chinese
    assert "You had started this inventory today already" in english
