"""An inventory's checklist printed (盘点清单): one line per box with the files it
should hold and a column to tick, or the marks already made; the boxes found missing or
misplaced counted, and lines for who counted and who checked the count to sign on paper
(帐物相符 is attested by hand, the printout kept with the year's records). Blocking (see
``services.common.printing``); callers run it in a thread."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from services.common.contracts.accounts import person
from services.common.contracts.inventory import BOX_STATE_NAMES, Inventory
from services.common.printing import (
    Column,
    begin_part,
    cjk_pdf,
    day_at,
    finished,
    heading,
    lines,
    table,
)
from services.registry.catalogues.rules import place

COLUMNS: tuple[Column, ...] = (Column("序号", 10), Column("位置", 40), Column("户档", 68),
                               Column("件数", 12), Column("核对", 14), Column("备注", 46))


def pdf(inventory: Inventory, zone: tzinfo, *, names: Mapping[str, str]) -> bytes:
    """Days on the clocks of ``zone``, the company's; the person who counts by their
    ``names`` (``person``)."""
    document = cjk_pdf()
    begin_part(document, f"档案盘点清单 {inventory.inventory_id}")
    states = [item.state for item in inventory.items]
    unresolved = sum(item.state in ("missing", "misplaced") and item.resolution is None
                     for item in inventory.items)
    completed = (f"{day_at(inventory.completed_at, zone)}  "
                 f"{person(inventory.completed_by, names)}"
                 if inventory.completed_at and inventory.completed_by else "（未完成）")
    heading(document, "档案盘点清单（帐物相符）", [
        f"盘点编号：{inventory.inventory_id}    范围：{inventory.building or '全部'}"
        f"    开始：{day_at(inventory.started_at, zone)}"
        f"    盘点人：{person(inventory.started_by, names)}",
        f"共 {len(states)} 盒，已核对 {len(states) - states.count(None)} 盒    "
        f"缺失 {states.count('missing')} 盒，错位 {states.count('misplaced')} 盒，"
        f"未处理 {unresolved} 盒    "
        f"位置未登记的文件：{inventory.unplaced} 件    完成：{completed}"])
    table(document, COLUMNS, ([
        str(item.item), place(item.location), "、".join(item.households),
        str(item.documents), BOX_STATE_NAMES[item.state] if item.state else "□",
        "；".join(said for said in (item.note, item.resolution and f"处理：{item.resolution}")
                 if said)] for item in inventory.items))
    document.ln(6)
    lines(document, [f"{role}签字：________________    日期：____________"
                     for role in ("盘点人", "复核人")], size=10, height=8)
    return finished(document)
