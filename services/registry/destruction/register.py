"""The destruction register (销毁清册) printed: a PDF with the CJK font embedded, and CSV.

Both are pure functions of a ``Destruction``; the PDF is blocking work (see
``services.common.printing``), so callers run it in a thread. R6: each destroyed item
reads 已销毁 with its date, the witnesses (监销人) and who executed the register (执行人),
so that on paper too the executor is seen not to be a witness; each item's security level
says whether it is shredded (机密（粉碎）, ``REGISTER_SECURITY_NAMES``). The CSV goes through
``services.common.spreadsheet`` (formulas neutralised).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path

from services.common.contracts.accounts import person
from services.common.contracts.retention import (
    DESTRUCTION_STATUS_NAMES,
    REGISTER_SECURITY_NAMES,
    Destruction,
    RegisterItem,
)
from services.common.models import CATEGORY_NAMES, RETENTION_CLASS_NAMES
from services.common.printing import (
    NOTO_SANS_CJK,
    Column,
    begin_part,
    cjk_pdf,
    day,
    day_at,
    finished,
    heading,
    lines,
    table,
)
from services.common.spreadsheet import csv_bytes

CSV_HEADER = ("序号", "档号", "题名", "类别", "户号", "归档日期", "保管期限", "到期日期",
              "页数", "状态", "销毁日期", "监销人", "执行人", "document_id", "密级")
PDF_COLUMNS = (Column("序号", 10), Column("档号", 60, unbroken=True), Column("题名", 39),
               Column("类别", 26), Column("户号", 18, unbroken=True), Column("归档日期", 21),
               Column("保管期限", 18), Column("密级", 24), Column("页数", 10),
               Column("状态", 26), Column("销毁日期", 21))


def _witnesses(register: Destruction, names: Mapping[str, str]) -> str:
    return "、".join(person(w.username, names) for w in register.witnesses)


def named(register: Destruction) -> set[str]:
    """Everyone the register names."""
    return {register.created_by, *(w.username for w in register.witnesses),
            *(someone for someone in (register.approved_by, register.executed_by) if someone)}


def _row(register: Destruction, item: RegisterItem, zone: tzinfo) -> list[str]:
    destroyed = item.state == "destroyed"
    return [str(item.position), item.archive_no, item.title,
            CATEGORY_NAMES.get(item.category, item.category), item.household or "",
            day(item.filed_at), RETENTION_CLASS_NAMES[item.retention_class],
            day(item.disposal_due),
            str(item.pages), item.label, day_at(item.destroyed_at, zone),
            _witnesses(register, {}) if destroyed else "",
            (register.executed_by or "") if destroyed else "", item.document_id,
            REGISTER_SECURITY_NAMES[item.security]]


def csv(register: Destruction, zone: tzinfo) -> bytes:
    """One line per item; days on the clocks of ``zone``, the company's."""
    return csv_bytes(CSV_HEADER, (_row(register, item, zone) for item in register.items))


def pdf(register: Destruction, zone: tzinfo, *, names: Mapping[str, str],
        font_path: Path = NOTO_SANS_CJK) -> bytes:
    """The register on A4 landscape pages: heading, approval, witnesses, the items; days
    on the clocks of ``zone``, the company's; people by their ``names`` (``person``)."""
    document = cjk_pdf(orientation="landscape", font_path=font_path)
    begin_part(document, f"档案销毁清册 {register.destruction_id}")
    heading(document, "档案销毁清册", _heading(register, zone, names))
    table(document, PDF_COLUMNS, (_printed(register, item, zone)
                                  for item in register.items))
    document.ln(4)
    lines(document, (f"监销人：{person(witness.username, names)}    "
                     f"签字时间：{day_at(witness.signed_at, zone)}"
                     for witness in register.witnesses), size=10, height=7)
    return finished(document)


def _heading(register: Destruction, zone: tzinfo, names: Mapping[str, str]) -> list[str]:
    destroyed = sum(item.state == "destroyed" for item in register.items)
    return [
        f"清册编号：{register.destruction_id}    鉴定批次：{register.sweep_id}",
        f"批准人：{person(register.approved_by, names)}    "
        f"批准日期：{day_at(register.approved_at, zone)}    "
        f"可销毁日期：{day(register.destroy_after)} 起",
        f"编制人：{person(register.created_by, names)}    "
        f"编制日期：{day_at(register.created_at, zone)}    "
        f"状态：{DESTRUCTION_STATUS_NAMES[register.status]}",
        f"监销人：{_witnesses(register, names) or '（未签字）'}    "
        f"执行人：{person(register.executed_by, names) or '（未执行）'}    "
        f"执行日期：{day_at(register.executed_at or register.execution_started_at, zone)}"
        f"    共 {len(register.items)} 件，已销毁 {destroyed} 件",
    ]


def _printed(register: Destruction, item: RegisterItem, zone: tzinfo) -> list[str]:
    """The PDF's columns of the item's CSV row (no due date, witnesses, id)."""
    values = _row(register, item, zone)
    return [values[0], values[1], values[2], values[3], values[4], values[5], values[6],
            values[14], values[8], values[9], values[10]]
