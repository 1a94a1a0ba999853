"""Catalogues and labels printed: PDF (CJK font embedded, ``services.common.printing``)
and CSV (``services.common.spreadsheet``: UTF-8 with BOM, formulas neutralised).

Pure functions of the catalogues' structs; the PDFs are blocking work, so callers run
them in a thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from services.common.contracts.operations import (
    BoxFiles,
    CatalogueFile,
    FilePart,
    FloorCatalogue,
    ItemList,
)
from services.common.printing import (
    FONT,
    NOT_SCANNED,
    Column,
    begin_part,
    cjk_pdf,
    day,
    finished,
    heading,
    held,
    lines,
    pages_of,
    table,
)
from services.common.spreadsheet import csv_bytes
from services.registry.catalogues.rules import place

if TYPE_CHECKING:
    from fpdf import FPDF

VACANT = "（空置）"
FILE_COLUMNS: tuple[Column, ...] = (
    Column("序号", 10), Column("户号", 18, unbroken=True), Column("标牌（现住户）", 50),
    Column("状态", 14), Column("件数", 12), Column("页数", 12), Column("闭卷部分", 16),
    Column("闭卷件数", 16), Column("起止日期", 42))
FILE_CSV = ("序号", "户号", "楼栋", "楼层", "单元", "标牌", "状态", "件数", "页数",
            "闭卷部分", "闭卷件数", "最早日期", "最新日期")
ITEM_COLUMNS: tuple[Column, ...] = (
    Column("序号", 10), Column("档号", 60, unbroken=True), Column("日期", 20),
    Column("题名", 54), Column("页数", 14), Column("位置", 32))
ITEM_CSV = ("部分", "住户", "入住", "退租", "序号", "档号", "日期", "题名", "页数",
            "位置", "复印件", "document_id")
LABEL_COLUMNS, LABEL_ROWS = 2, 5
"""Labels on an A4 sheet: 2 across, 5 down (95 × 54 mm each)."""


def _status(file: CatalogueFile) -> str:
    return "已闭卷" if file.closed else ("在住" if file.label else "空置")


def _span(file: CatalogueFile) -> str:
    if file.first_filed is None:
        return ""
    return f"{day(file.first_filed)} 至 {day(file.last_filed)}"


def page_count(file: CatalogueFile) -> str:
    """A file's pages as the catalogues print them: those of its scanned documents, and
    how many are not scanned yet."""
    if not file.unscanned:
        return str(file.pages)
    if not file.pages:
        return NOT_SCANNED
    return f"{file.pages}（{file.unscanned} 件未扫描）"


def folder_label(file: CatalogueFile) -> list[str]:
    """A folder's label (标牌): its unit code, the current occupant (D2), where it is, what
    it holds."""
    span = (f"{file.first_filed.year}–{file.last_filed.year}"
            if file.first_filed and file.last_filed else "")
    return [file.household, file.label or VACANT,
            f"{file.building}栋 {file.floor}层 {file.unit:02d}单元",
            f"{held(file.documents, file.pages, file.unscanned)}  {span}".rstrip()
            + ("  已闭卷" if file.closed else "")]


def _file_row(position: int, file: CatalogueFile) -> list[str]:
    return [str(position), file.household, file.label or VACANT, _status(file),
            str(file.documents), page_count(file), str(file.closed_parts),
            str(file.closed_documents), _span(file)]


def general_csv(files: list[CatalogueFile]) -> bytes:
    """The general catalogue (总目录): one line per file, in cabinet order."""
    return csv_bytes(FILE_CSV, ([
        str(position), file.household, file.building, str(file.floor), str(file.unit),
        file.label or VACANT, _status(file), str(file.documents), page_count(file),
        str(file.closed_parts), str(file.closed_documents), day(file.first_filed),
        day(file.last_filed)] for position, file in enumerate(files, start=1)))


def general_pdf(files: list[CatalogueFile], *, printed_on: str) -> bytes:
    document = cjk_pdf()
    begin_part(document, f"档案总目录  编制日期：{printed_on}")
    heading(document, "档案总目录", [
        f"共 {len(files)} 卷，{sum(f.documents for f in files)} 件    "
        f"其中已闭卷 {sum(f.closed for f in files)} 卷    编制日期：{printed_on}"])
    table(document, FILE_COLUMNS, (_file_row(position, file)
                                   for position, file in enumerate(files, start=1)))
    return finished(document)


def floor_csv(catalogue: FloorCatalogue) -> bytes:
    """The floor's file catalogue (案卷目录): one line per file and box it is in."""
    return csv_bytes(("盒位置", *FILE_CSV), ([
        place(box.location), str(position), file.household, file.building, str(file.floor),
        str(file.unit), file.label or VACANT, _status(file), str(file.documents),
        page_count(file), str(file.closed_parts), str(file.closed_documents),
        day(file.first_filed), day(file.last_filed)]
        for box in catalogue.boxes for position, file in enumerate(box.files, start=1)))


def floor_pdf(catalogue: FloorCatalogue, *, printed_on: str) -> bytes:
    """One page (or more) per box, to go into that box; files in no box on a last one."""
    document = cjk_pdf()
    title = f"案卷目录  {catalogue.building}栋 {catalogue.floor}层"
    sections: list[BoxFiles] = catalogue.boxes or [BoxFiles(location=None, files=[])]
    for box in sections:
        begin_part(document, f"{title}  盒位置：{place(box.location)}")
        heading(document, title, [
            f"盒位置：{place(box.location)}    共 {len(box.files)} 卷，"
            f"{sum(f.documents for f in box.files)} 件    编制日期：{printed_on}"])
        table(document, FILE_COLUMNS, (_file_row(position, file)
                                       for position, file in enumerate(box.files, start=1)))
    empty = [file for file in catalogue.files if not file.documents]
    if empty:
        begin_part(document, f"{title}  尚无文件的户档")
        heading(document, title, [f"尚无文件的户档：共 {len(empty)} 卷"])
        table(document, FILE_COLUMNS, (_file_row(position, file)
                                       for position, file in enumerate(empty, start=1)))
    return finished(document)


def _part_name(part: FilePart) -> str:
    if part.occupant is None:
        return "无住户期间"
    ended = f"至 {day(part.moved_out)}（已闭卷）" if part.closed else "至今"
    return f"{part.occupant}  {day(part.moved_in)} {ended}"


def items_csv(items: ItemList) -> bytes:
    """The item list (卷内目录): one line per document, part by part, newest first."""
    return csv_bytes(ITEM_CSV, ([
        "已闭卷" if part.closed else "在卷", part.occupant or "", day(part.moved_in),
        day(part.moved_out), str(item.position), item.archive_no, day(item.filed_at),
        item.title, pages_of(item.pages), place(item.location), "是" if item.is_copy else "",
        item.document_id] for part in items.parts for item in part.items))


def items_pdf(lists: Iterable[ItemList], *, title: str, printed_on: str) -> bytes:
    """Item lists, one household after another, each part under its own heading."""
    document = cjk_pdf()
    for items in lists:
        begin_part(document, f"{title}  {items.household}")
        heading(document, f"{title}  {items.household}", [
            f"标牌（现住户）：{items.label or VACANT}    编制日期：{printed_on}"])
        for part in items.parts:
            _part_table(document, part)
    if document.page == 0:
        begin_part(document, title)
        heading(document, title, ["（无）"])
    return finished(document)


def _part_table(document: FPDF, part: FilePart) -> None:
    lines(document, [_part_name(part) + f"    共 {len(part.items)} 件"], size=11, height=8)
    if not part.items:  # a part closed before anything was filed: no empty table
        lines(document, ["（本部分无文件）"], size=9, height=6)
        document.ln(3)
        return
    document.set_font(FONT, size=9)
    table(document, ITEM_COLUMNS, ([
        str(item.position), item.archive_no + (" （复印件）" if item.is_copy else ""),
        day(item.filed_at), item.title, pages_of(item.pages), place(item.location)]
        for item in part.items))
    document.ln(3)


def labels_pdf(labels: list[list[str]]) -> bytes:
    """Labels (标牌, 档号章) on A4 sheets, ``LABEL_COLUMNS`` × ``LABEL_ROWS``, each a frame
    with its lines: the first large (the number), the second bold-sized (the name)."""
    document = cjk_pdf(auto_page_break=False)
    width, height, left, top = 95.0, 54.0, 10.0, 13.5
    for index, label in enumerate(labels):
        slot = index % (LABEL_COLUMNS * LABEL_ROWS)
        if slot == 0:
            document.add_page()
        x = left + (slot % LABEL_COLUMNS) * width
        y = top + (slot // LABEL_COLUMNS) * height
        document.rect(x + 1, y + 1, width - 2, height - 2)
        document.set_xy(x + 4, y + 4)
        for number, line in enumerate(label):
            document.set_font(FONT, size=(22 if number == 0 else 16 if number == 1 else 11))
            document.set_x(x + 4)
            # fpdf2 justifies a multi_cell by default: a wrapped line of a label was
            # stretched across it with wide gaps.
            document.multi_cell(width - 8, 10 if number < 2 else 6, line, markdown=False,
                                align="L", new_x="LMARGIN", new_y="NEXT")
    if not labels:
        document.add_page()
    return bytes(document.output())
