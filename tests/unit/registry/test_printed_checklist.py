"""An inventory's printed checklist (盘点清单) is the record of the count kept on paper
(帐物相符, O3): besides each box's mark it says how many boxes were found missing or
misplaced and how many of those are still open, who completed the count, and leaves
lines for the person counting and the one checking the count to sign."""

from __future__ import annotations

from datetime import UTC, datetime

import pypdfium2

from services.common.clock import COMPANY_ZONE
from services.common.contracts.inventory import (
    Inventory,
    InventoryItem,
    InventoryTally,
    ItemState,
)
from services.common.contracts.registry import PaperLocation
from services.registry.inventory import checklist

AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
BOX = PaperLocation(building="5", room="档案室", cabinet="5-04", box="5-0402")


def _item(item: int, state: ItemState, *, resolution: str | None = None) -> InventoryItem:
    return InventoryItem(
        item=item, location=BOX, households=[f"5-040{item}"], documents=2,
        state=state, note="在C-01柜找到" if state == "misplaced" else None,
        checked_by="wangfang", checked_at=AT, resolution=resolution,
        resolved_by="wangfang" if resolution else None, resolved_at=AT if resolution else None)


def _text(content: bytes) -> str:
    return " ".join(" ".join(page.get_textpage().get_text_range().split())
                    for page in pypdfium2.PdfDocument(content))


def test_a_completed_checklist_counts_its_discrepancies_and_leaves_lines_to_sign() -> None:
    items = [_item(1, "present"), _item(2, "missing"),
             _item(3, "misplaced", resolution="已归位"), _item(4, "present")]
    inventory = Inventory(
        inventory_id="inv-7", status="completed", building="5", note=None,
        clearance="secret", unplaced=0, started_by="wangfang", started_at=AT,
        completed_by="sunhao", completed_at=AT,
        tally=InventoryTally(boxes=4, checked=4, missing=1, misplaced=1), items=items)
    text = _text(checklist.pdf(inventory, COMPANY_ZONE,
                               names={"wangfang": "王芳", "sunhao": "孙浩"}))
    assert "共 4 盒，已核对 4 盒 缺失 1 盒，错位 1 盒，未处理 1 盒" in text, text
    assert "完成：2026-12-03 孙浩（sunhao）" in text, text
    assert "盘点人签字：" in text, text
    assert "复核人签字：" in text, text
