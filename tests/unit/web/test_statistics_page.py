"""The statistics page (services.web.statistics_page): every number of the registry's
yearly report (O2) that ``archive stats`` prints is a figure on the page too."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import msgspec

from services.common.auth import Principal
from services.common.contracts.statistics import (
    Appraised,
    Borrowed,
    CategoryCounts,
    Checks,
    HandedOver,
    LoansOfKind,
    YearStatistics,
)
from services.web.navigation import layout as page_layout
from services.web.render import Language, Pages
from services.web.statistics_page import statistics_page
from tests.unit.web.conftest import shared_pages

QIAN = Principal(username="qian", roles=("compliance",), department="archive")
NONE = CategoryCounts(total=0, by_category={})
REPORT = YearStatistics(
    year=2030, as_of=datetime(2030, 12, 31, 23, 59, tzinfo=UTC), so_far=False,
    received=NONE, holdings=NONE, destroyed=NONE, transferred_out=NONE,
    appraised=Appraised(total=8, kept=3, reappraise=1, for_destruction=5),
    borrowed=Borrowed(loans=0, documents=0, paper=LoansOfKind(loans=0, documents=0),
                      digital=LoansOfKind(loans=0, documents=0)),
    handed_over=HandedOver(handovers=0, documents=0), returned=0, returned_late=0, overdue=0,
    checks=Checks(inventories=0, organised=0, discrepancies=0, unresolved=0,
                  condition_checks=4, with_problems=2),
    months=[])


def _figures(language: Language) -> dict[str, str]:
    html = shared_pages().html(language, "statistics.html",
                               page_layout(QIAN, "/ui/statistics", "token")
                               | {"view": statistics_page(REPORT), "problem": "", "year": ""})
    return dict(re.findall(r"<div><dt>(.*?)</dt><dd>(\d+)</dd></div>", html))


def test_the_years_appraisals_are_figures_like_the_others() -> None:
    figures = _figures("zh")
    assert {label: figures[label] for label in
            ("鉴定（件）", "鉴定后保存", "其中明年重新鉴定", "鉴定为销毁")} == {
        "鉴定（件）": "8", "鉴定后保存": "3", "其中明年重新鉴定": "1", "鉴定为销毁": "5"}
    assert figures["七防检查发现问题（盒次）"] == "2"
    english = _figures("en")
    assert english["Kept after appraisal"] == "3"
    assert english["Appraised for destruction"] == "5"


def test_times_are_shown_on_the_companys_clocks() -> None:
    """01:30 UTC is 09:30 in Shanghai: the page says 09:30, in either language."""
    so_far = msgspec.structs.replace(REPORT, so_far=True,
                                     as_of=datetime(2030, 6, 1, 1, 30, tzinfo=UTC))
    pages = Pages(ZoneInfo("Asia/Shanghai"))
    values = page_layout(QIAN, "/ui/statistics", "token") | {
        "view": statistics_page(so_far), "problem": "", "year": ""}
    assert "截至 2030年6月1日 09:30:00" in pages.html("zh", "statistics.html", values)
    assert "Jun 1, 2030, 9:30:00\u202fAM" in pages.html("en", "statistics.html", values)
