"""The list of a transfer out (移出清单) printed: documents above the printer's clearance
are counted, not listed (D1), and the list says so and who should print it, so a list
short of them is not signed as the whole transfer."""

from __future__ import annotations

from datetime import UTC, datetime

import pypdfium2

from services.common.clock import COMPANY_ZONE
from services.common.contracts.operations import Transfer
from services.registry.transfers import transfer_out_list
from tests.support.registry import document_record


def test_a_list_printed_by_someone_cleared_less_says_how_many_it_leaves_out() -> None:
    transfer = Transfer(
        transfer_id="t-9", recipient="新城物业公司档案室", reason="业主更换物业",
        transferred_by="wangfang", transferred_at=datetime(2026, 12, 7, 21, 5, tzinfo=UTC),
        items=3, documents=[document_record()])
    pages = [" ".join(page.get_textpage().get_text_range().split())
             for page in pypdfium2.PdfDocument(transfer_out_list.pdf(
                 transfer, COMPANY_ZONE, names={"wangfang": "王芳"}))]
    assert len(pages) == 2
    for page in pages:
        assert "移出日期：2026-12-08" in page  # on the company's clocks
        assert "经办人：王芳（wangfang）" in page
        assert "共 3 件（其中 2 件超出打印人的密级，未列出：请由有相应密级的人打印）" in page
        assert "2020-repair-A-1201-0001" in page
