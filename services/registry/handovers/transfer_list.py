"""The transfer list (移交清单, O1) printed: a PDF in two copies, one kept by each side,
each with both signature lines; and CSV.

Both are pure functions of a ``Handover``. The PDF is made as
``services.common.printing`` says (callers run it in a thread); each copy starts on a
new page, so a printer run gives two complete lists. The CSV goes through
``services.common.spreadsheet`` (formulas neutralised, UTF-8 with BOM).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path

from services.common.contracts.accounts import person
from services.common.contracts.operations import (
    HANDOVER_STATUS_NAMES,
    SIDE_NAMES,
    Handover,
    HandoverItem,
    Side,
)
from services.common.models import CATEGORY_NAMES
from services.common.printing import (
    NOTO_SANS_CJK,
    Column,
    begin_part,
    cjk_pdf,
    day,
    day_at,
    finished,
    heading,
    held,
    lines,
    pages_of,
    table,
)
from services.common.spreadsheet import csv_bytes
from services.registry.catalogues.rules import place

COPIES = ("第一联：移交方留存", "第二联：接收方留存")
COLUMNS = (Column("序号", 10), Column("档号", 60, unbroken=True), Column("题名", 40),
           Column("类别", 28), Column("户号", 18, unbroken=True), Column("归档日期", 20),
           Column("页数", 14))
"""类别 holds the longest category name, 缴费记录与押金, on one line, 页数 未扫描."""
CSV_HEADER = ("序号", "档号", "题名", "类别", "户号", "归档日期", "页数", "document_id")


def _cells(item: HandoverItem) -> list[str]:
    return [str(item.position), item.archive_no, item.title,
            CATEGORY_NAMES.get(item.category, item.category), item.household or "",
            day(item.filed_at), pages_of(item.pages)]


def csv(handover: Handover) -> bytes:
    """One line per item."""
    return csv_bytes(CSV_HEADER, ([*_cells(item), item.document_id]
                                  for item in handover.items))


def signers(handover: Handover) -> set[str]:
    """Everyone the list names."""
    return {handover.created_by, handover.handed_over_by, handover.received_by}


def pdf(handover: Handover, zone: tzinfo, *, names: Mapping[str, str],
        font_path: Path = NOTO_SANS_CJK) -> bytes:
    """Two copies on A4 portrait pages: heading, the items, both signature lines; days on
    the clocks of ``zone``, the company's; people by their ``names`` (``person``)."""
    document = cjk_pdf(orientation="portrait", font_path=font_path)
    for copy in COPIES:
        begin_part(document, f"档案移交清单 {handover.handover_id}  {copy}")
        heading(document, "档案移交清单", [copy, *_heading(handover, zone, names)])
        table(document, COLUMNS, (_cells(item) for item in handover.items))
        document.ln(6)
        lines(document, _signature_lines(handover, zone, names), size=10, height=8)
    return finished(document)


def _heading(handover: Handover, zone: tzinfo, names: Mapping[str, str]) -> list[str]:
    where = place(handover.location) if handover.location else ""
    return [
        f"清单编号：{handover.handover_id}",
        f"移交单位：{handover.service_centre}    接收单位：公司档案室    接收后存放：{where}",
        f"编制人：{person(handover.created_by, names)}    "
        f"编制日期：{day_at(handover.created_at, zone)}    "
        f"状态：{HANDOVER_STATUS_NAMES[handover.status]}    "
        + held(len(handover.items), sum(item.pages for item in handover.items),
               sum(not item.pages for item in handover.items)),
    ]


def _signature_lines(handover: Handover, zone: tzinfo, names: Mapping[str, str]
                     ) -> list[str]:
    signed = {signature.side: signature for signature in handover.signatures}
    sides: tuple[tuple[Side, str], ...] = (("handing", handover.handed_over_by),
                                           ("receiving", handover.received_by))
    lines = []
    for side, username in sides:
        signature = signed.get(side)
        mark = (f"已签字（系统）    日期：{day_at(signature.signed_at, zone)}" if signature
                else "签字：________________    日期：____________")
        lines.append(f"{SIDE_NAMES[side]}：{person(username, names)}    {mark}")
    return lines
