"""The list of a transfer out printed (移出清单): the files that left the archive, in two
copies, one kept by the archive and one by the recipient, each with a line for the
archivist who sent them and one for the recipient to sign for them on receipt.

A transfer out hands paper to another keeper (another archive, a new property manager);
as a handover (O1) is signed by both sides, the receipt of the paper is signed on this
list. Made as ``services.common.printing`` says (callers run it in a thread).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from services.common.contracts.accounts import person
from services.common.contracts.operations import Transfer
from services.common.contracts.registry import DocumentRecord
from services.common.models import CATEGORY_NAMES
from services.common.printing import (
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
from services.registry.handovers.transfer_list import COLUMNS

COPIES = ("第一联：档案室留存", "第二联：接收单位留存")


def _cells(position: int, record: DocumentRecord) -> list[str]:
    return [str(position), record.archive_no, record.title,
            CATEGORY_NAMES.get(record.category, record.category), record.household or "",
            day(record.filed_at), pages_of(record.pages)]


def pdf(transfer: Transfer, zone: tzinfo, *, names: Mapping[str, str]) -> bytes:
    """Two copies on A4 portrait pages: what left, to whom and why, the documents, and
    both signature lines; days on the clocks of ``zone``, the company's; people by their
    ``names`` (``person``). Documents above the printer's clearance are counted, not
    listed (D1), and the list says so."""
    records = transfer.documents
    unlisted = transfer.items - len(records)
    count = (f"共 {transfer.items} 件（其中 {unlisted} 件超出打印人的密级，未列出："
             "请由有相应密级的人打印）" if unlisted else
             held(len(records), sum(record.pages for record in records),
                  sum(not record.pages for record in records)))
    under = [
        f"清单编号：{transfer.transfer_id}",
        f"移出单位：公司档案室    接收单位：{transfer.recipient}",
        f"移出原因：{transfer.reason}",
        f"经办人：{person(transfer.transferred_by, names)}    "
        f"移出日期：{day_at(transfer.transferred_at, zone)}    {count}",
    ]
    signatures = [
        f"移出经办人：{person(transfer.transferred_by, names)}    "
        "签字：________________    日期：____________",
        f"接收单位（{transfer.recipient}）接收人：________________    "
        "签字：________________    日期：____________",
    ]
    document = cjk_pdf(orientation="portrait")
    for copy in COPIES:
        begin_part(document, f"档案移出清单 {transfer.transfer_id}  {copy}")
        heading(document, "档案移出清单", [copy, *under])
        table(document, COLUMNS, (_cells(position, record)
                                  for position, record in enumerate(records, start=1)))
        document.ln(6)
        lines(document, signatures, size=10, height=8)
    return finished(document)
