"""The destruction register (销毁清册) printed: a PDF with the CJK font embedded, and CSV.

Both are pure functions of a ``Destruction``; the PDF is made as
``services.registry.printing`` says (callers run it in a thread). R6: each destroyed
item reads 已销毁 with its date and the witnesses (监销人). The CSV goes through
``services.common.spreadsheet`` (formulas neutralised).
"""

from __future__ import annotations

from pathlib import Path

from services.common.models import CATEGORY_NAMES, RETENTION_CLASS_NAMES
from services.common.spreadsheet import csv_bytes
from services.registry.destruction.models import Destruction, RegisterItem
from services.registry.printing import FONT, NOTO_SANS_CJK, cjk_document, items_table
from services.registry.printing import day as _day

STATUS_NAMES = {
    "awaiting_witnesses": "待监销人签字", "witnessed": "监销人已签字", "executing": "销毁中",
    "executed": "已执行", "cancelled": "已撤销",
}
CSV_HEADER = ("序号", "档号", "题名", "类别", "户号", "归档日期", "保管期限", "到期日期",
              "页数", "状态", "销毁日期", "监销人", "document_id")
PDF_COLUMNS = (("序号", 10), ("档号", 54), ("题名", 70), ("类别", 26), ("户号", 17),
               ("归档日期", 21), ("保管期限", 18), ("页数", 10), ("状态", 26),
               ("销毁日期", 21))


def _witnesses(register: Destruction) -> str:
    return "、".join(w.username for w in register.witnesses)


def _row(register: Destruction, item: RegisterItem) -> list[str]:
    destroyed = item.state == "destroyed"
    return [str(item.position), item.archive_no, item.title,
            CATEGORY_NAMES.get(item.category, item.category), item.household or "",
            _day(item.filed_at), RETENTION_CLASS_NAMES[item.retention_class],
            _day(item.disposal_due),
            str(item.pages), item.label, _day(item.destroyed_at),
            _witnesses(register) if destroyed else "", item.document_id]


def csv(register: Destruction) -> bytes:
    """One line per item."""
    return csv_bytes(CSV_HEADER, (_row(register, item) for item in register.items))


def pdf(register: Destruction, *, font_path: Path = NOTO_SANS_CJK) -> bytes:
    """The register on A4 landscape pages: heading, approval, witnesses, the items."""
    document = cjk_document("landscape", font_path=font_path)
    document.add_page()
    document.set_font(FONT, size=16)
    document.cell(0, 10, "档案销毁清册", align="C", new_x="LMARGIN", new_y="NEXT",
                  markdown=False)
    document.set_font(FONT, size=9)
    for line in _heading(register):
        document.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT", markdown=False)
    document.ln(2)
    items_table(document, PDF_COLUMNS, (_pdf_cells(_row(register, item))
                                        for item in register.items))
    document.ln(4)
    document.set_font(FONT, size=10)
    for witness in register.witnesses:
        document.cell(0, 7, f"监销人：{witness.username}    签字时间：{_day(witness.signed_at)}",
                      new_x="LMARGIN", new_y="NEXT", markdown=False)
    return bytes(document.output())


def _heading(register: Destruction) -> list[str]:
    destroyed = sum(item.state == "destroyed" for item in register.items)
    return [
        f"清册编号：{register.destruction_id}    鉴定批次：{register.sweep_id}",
        f"批准人：{register.approved_by or ''}    批准日期：{_day(register.approved_at)}    "
        f"暂存至：{_day(register.destroy_after)}",
        f"编制人：{register.created_by}    编制日期：{_day(register.created_at)}    "
        f"状态：{STATUS_NAMES[register.status]}",
        f"监销人：{_witnesses(register) or '（未签字）'}    执行日期：{_day(register.executed_at)}"
        f"    共 {len(register.items)} 件，已销毁 {destroyed} 件",
    ]


def _pdf_cells(values: list[str]) -> list[str]:
    """The CSV row's cells the PDF prints (not the due date, witnesses and id)."""
    return [*values[:7], *values[8:11]]
