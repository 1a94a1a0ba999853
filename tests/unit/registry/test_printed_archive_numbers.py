"""Archive numbers (档号, D8) and unit codes printed whole: the transfer list, the item list
and the destruction register never break one across two lines, even the longest the
categories and unit codes allow (a number split on paper is misread)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pypdfium2
import pytest

from services.common.clock import COMPANY_ZONE
from services.common.contracts.operations import (
    CatalogueItem,
    FilePart,
    Handover,
    HandoverItem,
    ItemList,
)
from services.common.contracts.retention import Destruction, RegisterItem
from services.common.models import CATEGORIES, Category
from services.registry.catalogue.rules import archive_no
from services.registry.catalogues import printed
from services.registry.destruction import register
from services.registry.handovers import transfer_list

AT = datetime(2024, 12, 3, 9, 30, tzinfo=UTC)
WIDEST_HOUSEHOLD = "WWWW-88888"
"""The widest unit code the pattern allows: four letters (W the widest), five digits."""
LONGEST: tuple[Category, ...] = tuple(
    category for category in CATEGORIES if len(category) == max(map(len, CATEGORIES)))


def _numbers() -> list[tuple[str, str | None]]:
    """(archive number, household): the tester's, and the longest of each longest category."""
    return [("1993-correspondence-C-0601-0001", "C-0601"),
            ("2016-emergency_contact-C-0601-0001", "C-0601"),
            *((archive_no(2200, category, WIDEST_HOUSEHOLD, 9999), WIDEST_HOUSEHOLD)
              for category in LONGEST)]


def _transfer_list(number: str, household: str | None) -> bytes:
    item = HandoverItem(position=1, document_id="d-1", archive_no=number,
                        title="关于装修押金退还的说明", category="correspondence",
                        household=household, filed_at=date(2016, 3, 1), pages=2)
    return transfer_list.pdf(Handover(
        handover_id="h-1", status="awaiting_signatures", service_centre="一期服务中心",
        handed_over_by="wang", received_by="chen", created_by="wang", created_at=AT,
        signatures=[], items=[item]), COMPANY_ZONE, names={})


def _item_list(number: str, household: str | None) -> bytes:
    items = [CatalogueItem(position=position, document_id=f"d-{position}", archive_no=number,
                           filed_at=date(2016, 3, 1), title="紧急联络人登记表",
                           pages=1, location=None, is_copy=is_copy)
             for position, is_copy in ((1, False), (2, True))]
    part = FilePart(occupant="张伟", moved_in=date(2015, 1, 1), moved_out=None, closed=False,
                    items=items)
    return printed.items_pdf([ItemList(household=household or "", label="张伟", parts=[part])],
                             title="卷内目录", printed_on="2026-12-05")


def _destruction_register(number: str, household: str | None) -> bytes:
    item = RegisterItem(
        position=1, document_id="d-1", archive_no=number, title="卫生间漏水维修记录",
        category="repair", household=household, filed_at=date(2012, 3, 1),
        retention_class="short", disposal_due=date(2022, 3, 1), pages=2,
        security="ordinary", state="destroyed", label="已销毁", destroyed_at=AT)
    return register.pdf(Destruction(
        destruction_id="r-1", sweep_id="s-1", status="executed", created_by="qian",
        created_at=AT, witnesses=[], items=[item]), COMPANY_ZONE, names={})


def _lines(content: bytes) -> list[str]:
    return [line.strip() for page in pypdfium2.PdfDocument(content)
            for line in page.get_textpage().get_text_range().splitlines()]


@pytest.mark.parametrize("printout", [_transfer_list, _item_list, _destruction_register])
@pytest.mark.parametrize(("number", "household"), _numbers())
def test_an_archive_number_is_printed_on_one_line(
        printout: Callable[[str, str | None], bytes], number: str, household: str) -> None:
    lines = _lines(printout(number, household))
    assert any(number in line for line in lines), lines


@pytest.mark.parametrize("printout", [_transfer_list, _destruction_register])
def test_the_widest_unit_code_is_printed_on_one_line_in_its_column(
        printout: Callable[[str, str | None], bytes]) -> None:
    number = archive_no(2200, LONGEST[0], WIDEST_HOUSEHOLD, 9999)
    lines = _lines(printout(number, WIDEST_HOUSEHOLD))
    assert any(WIDEST_HOUSEHOLD in line.replace(number, "") for line in lines), lines


def test_a_copy_in_the_item_list_keeps_its_number_whole_and_says_it_is_a_copy() -> None:
    number = archive_no(2200, LONGEST[0], WIDEST_HOUSEHOLD, 9999)
    text = "\n".join(_lines(_item_list(number, WIDEST_HOUSEHOLD)))
    assert text.count(number) == 2
    assert "（复印件）" in text
