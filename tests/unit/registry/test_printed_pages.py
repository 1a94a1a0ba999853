"""A printout's loose pages say what they belong to: each part (a copy of the transfer
list, a household's item list, a box's catalogue) numbers its pages 第 n 页 共 m 页 at
their foot, and every page after its first is headed with the part's name, so page 2 of
the giver's copy cannot be taken for page 2 of the receiver's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pypdfium2

from services.common.clock import COMPANY_ZONE
from services.common.contracts.operations import (
    CatalogueItem,
    FilePart,
    Handover,
    HandoverItem,
    ItemList,
)
from services.registry.catalogues import printed
from services.registry.handovers import transfer_list

AT = datetime(2024, 12, 3, 9, 30, tzinfo=UTC)


def _pages(content: bytes) -> list[str]:
    """Each page's text, its runs of spaces one (as PDFium reads them)."""
    return [" ".join(page.get_textpage().get_text_range().split())
            for page in pypdfium2.PdfDocument(content)]


def _handover(items: int) -> Handover:
    return Handover(
        handover_id="h-0042", status="awaiting_signatures", service_centre="一期服务中心",
        handed_over_by="wang", received_by="chen", created_by="wang", created_at=AT,
        signatures=[], items=[HandoverItem(
            position=n, document_id=f"d-{n}", archive_no=f"2016-payment-A-1201-{n:04d}",
            title="物业管理费及押金收据", category="payment", household="A-1201",
            filed_at=date(2016, 3, 1), pages=1) for n in range(1, items + 1)])


def test_each_copy_of_a_long_transfer_list_numbers_its_pages_and_heads_the_later_ones(
        ) -> None:
    pages = _pages(transfer_list.pdf(_handover(90), COMPANY_ZONE, names={}))
    copies = len(pages) // 2
    assert len(pages) == 2 * copies
    assert copies >= 2
    for index, text in enumerate(pages):
        copy = transfer_list.COPIES[index // copies]
        number = index % copies + 1
        assert f"档案移交清单 h-0042 {copy} 第 {number} 页 共 {copies} 页" in text, text
        assert (f"档案移交清单 h-0042 {copy}（续）" in text) == (number > 1)
    # The category column holds the longest name on one line: no row twice as high.
    assert "缴费记录与押金" in pages[0]


def test_the_transfer_lists_signers_are_named_by_their_full_names() -> None:
    text = " ".join(_pages(transfer_list.pdf(_handover(1), COMPANY_ZONE,
                                             names={"wang": "王芳", "chen": "陈晨"})))
    assert "编制人：王芳（wang）" in text
    assert "移交人：王芳（wang）" in text
    assert "接收人：陈晨（chen）" in text


def test_an_item_list_numbers_each_households_pages_and_says_an_empty_part_in_words(
        ) -> None:
    items = [CatalogueItem(position=n, document_id=f"d-{n}",
                           archive_no=f"2016-repair-A-1201-{n:04d}", filed_at=date(2016, 3, 1),
                           title="卫生间漏水维修记录", pages=1, location=None, is_copy=False)
             for n in range(1, 61)]
    lists = [ItemList(household="A-1201", label="张伟", parts=[
                 FilePart(occupant="张伟", moved_in=date(2015, 1, 1), moved_out=None,
                          closed=False, items=items),
                 FilePart(occupant="林美玲", moved_in=date(2014, 4, 1),
                          moved_out=date(2014, 6, 1), closed=True, items=[])]),
             ItemList(household="A-1202", label=None, parts=[])]
    pages = _pages(printed.items_pdf(lists, title="卷内目录", printed_on="2026-12-05"))
    first = [text for text in pages if "卷内目录 A-1201 第" in text]
    assert len(first) >= 2
    assert "卷内目录 A-1201 第 1 页 共 " in first[0]
    assert "（本部分无文件）" in "".join(first)
    assert "卷内目录 A-1202 第 1 页 共 1 页" in pages[-1]


def test_a_transfer_list_item_catalogued_before_its_scan_is_printed_not_scanned() -> None:
    """Its paper has pages the archive has not seen: 未扫描, not 0, in the PDF and the CSV,
    and the heading's total counts the scanned ones' pages and says how many are not."""
    handover = _handover(3)
    handover.items[1].pages = 0
    handover.items[2].pages = 0
    text = " ".join(_pages(transfer_list.pdf(handover, COMPANY_ZONE, names={})))
    assert "共 3 件 1 页（2 件未扫描）" in text
    assert text.count("未扫描") == 2 * (1 + 2)  # each copy: its heading and two rows
    rows = transfer_list.csv(handover).decode("utf-8-sig").splitlines()
    assert [row.split(",")[6] for row in rows[1:]] == ["1", "未扫描", "未扫描"]
