"""An inventory's checklist printed (盘点清单): one line per box with the files it
should hold and a column to tick, or the marks already made. Blocking (see
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
    checked = sum(item.state is not None for item in inventory.items)
    heading(document, "档案盘点清单（帐物相符）", [
        f"盘点编号：{inventory.inventory_id}    范围：{inventory.building or '全部'}"
        f"    开始：{day_at(inventory.started_at, zone)}"
        f"    盘点人：{person(inventory.started_by, names)}",
        f"共 {len(inventory.items)} 盒，已核对 {checked} 盒    "
        f"位置未登记的文件：{inventory.unplaced} 件    "
        f"完成：{day_at(inventory.completed_at, zone) or '（未完成）'}"])
    table(document, COLUMNS, ([
        str(item.item), place(item.location), "、".join(item.households),
        str(item.documents), BOX_STATE_NAMES[item.state] if item.state else "□",
        "；".join(said for said in (item.note, item.resolution and f"处理：{item.resolution}")
                 if said)] for item in inventory.items))
    return finished(document)
