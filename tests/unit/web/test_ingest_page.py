"""The digitising page's batch (``_batch.html``) says each refused file's reason in words,
by the code ingest refused it with."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.common.contracts.households import Household, Occupancy
from services.common.contracts.ingest import Batch, BatchFile, BatchSummary
from services.common.manifest import LOCATION_PATTERN
from services.web.ingest_page import (
    CATEGORY_CHOICES,
    DEFAULT_FIELDS,
    SECURITY_CHOICES,
    Asked,
    asked_of,
    batch_view,
)
from services.web.navigation import layout as page_layout
from tests.unit.web.conftest import WANG, in_both_languages, shared_pages


def _refused(code: str, error: str, **more: Any) -> Batch:
    return Batch(batch_id="b1", created_by="wang", created_at=datetime(2024, 5, 18, tzinfo=UTC),
                 files=[BatchFile(position=1, filename="empty.pdf", status="refused",
                                  error_code=code, error=error, **more)],
                 summary=BatchSummary(files=1, waiting=0, done=0, duplicates=0, failed=1,
                                      pages=0, review_pages=0, finished=True))


def _filed(*, pages: int, review_pages: int) -> Batch:
    """A batch of one file, filed as document d1 with ``review_pages`` of its ``pages`` to
    review as read."""
    return Batch(batch_id="b1", created_by="wang", created_at=datetime(2024, 5, 18, tzinfo=UTC),
                 files=[BatchFile(position=1, filename="letter.pdf", status="done",
                                  document_id="d1", pages=pages, review_pages=review_pages)],
                 summary=BatchSummary(files=1, waiting=0, done=1, duplicates=0, failed=0,
                                      pages=pages, review_pages=review_pages, finished=True))


def _pages(batch: Batch) -> tuple[str, str]:
    return in_both_languages(WANG, "/ui/ingest", "_batch.html", view=batch_view(batch))


def test_an_empty_file_is_said_to_be_empty_not_of_a_type_not_accepted() -> None:
    chinese, english = _pages(_refused("empty_file", "the file is empty (0 bytes)"))
    assert "文件是空的（0 字节）" in chinese
    assert "不支持这种文件" not in chinese
    assert "The file is empty (0 bytes)" in english


@pytest.mark.parametrize(("code", "error", "line", "value", "said", "said_in_english"), [
    pytest.param("invalid_date", "manifest line 14: '2024-13-40' is not a day", 14, "2024-13-40",
                 "清单第 14 行（写的是“2024-13-40”）：归档日期看不懂",
                 "Manifest line 14 (which says “2024-13-40”): ", id="day_not_read"),
    pytest.param("date_in_future", "manifest line 3: filed_at 2091-01-01 is after today", 3,
                 "2091-01-01", "清单第 3 行（写的是“2091-01-01”）：归档日期在今天之后",
                 "The filing date is after today", id="filed_after_today"),
])
def test_a_refused_manifest_row_says_its_line_and_the_value_written(
        code: str, error: str, line: int, value: str, said: str, said_in_english: str) -> None:
    chinese, english = _pages(_refused(code, error, line=line, value=value))
    assert said in chinese
    assert said_in_english in english


def test_a_category_no_one_category_has_lists_the_candidates() -> None:
    chinese, _ = _pages(_refused(
        "unknown_category", "manifest line 3: category '记录' could be any of 维修/报修记录、"
        "投诉记录、拜访/回访记录; write one's code (repair, complaint, visit) or more of its name",
        line=3, value="记录"))
    assert "清单第 3 行（写的是“记录”）：类别不在目录里，或不止一个类别叫这个名字" in chinese
    assert "维修/报修记录、投诉记录、拜访/回访记录" in chinese


def test_a_file_filed_otherwise_names_the_fields_and_links_the_document() -> None:
    batch = _refused("filed_differently", "these bytes are already filed as …",
                     fields=["household", "security"], job_id="j1", document_id="d1")
    layout = page_layout(WANG, "/ui/ingest", "token")
    chinese = shared_pages().html("zh", "_batch.html", layout | {"view": batch_view(batch)})
    assert "这次填写的信息与已归档的不同：户号、密级" in chinese
    assert '<a href="/ui/documents/d1#correct-record">更正著录</a>' in chinese
    assert "/registry/" not in chinese
    assert 'href="/ui/documents/d1"' in chinese
    assert "户号也在更正著录中更正：文件移到另一户须部门负责人批准" in chinese
    assert "不能更正" not in chinese
    # The links come last, after every sentence: no sentence runs into their text.
    assert chinese.split("查看已归档的文件</a>")[1].lstrip().startswith("</td>")
    assert "重复" not in chinese.split("batch-files")[1]


def test_counts_of_one_read_in_the_singular_in_english() -> None:
    chinese, english = _pages(_filed(pages=1, review_pages=1))
    assert "1 file: 1 done, 0 failed or refused, 0 already filed, 0 in progress" in english
    assert "· 1 page\n" in english  # the batch's sum
    assert "· 1 page ·" in english  # the file's
    assert english.count(">1 page to review when read</a>") == 2
    assert "pages" not in english
    assert "共 1 页" in chinese


def test_pages_to_review_are_counted_as_read_and_each_file_links_its_own_review() -> None:
    """The batch's counts are of the reading: its pages may have been corrected or read
    again since, so the count says so, and a file's link opens the review on its own
    document's pages still waiting (the page says when none is), not the oldest page."""
    chinese, _ = _pages(_filed(pages=3, review_pages=2))
    assert '<a href="/ui/review">读取时 2 页需要校对</a>' in chinese
    assert '<a href="/ui/review?document=d1">读取时 2 页需要校对</a>' in chinese


@pytest.mark.parametrize(("seems", "said", "said_in_english"), [
    ("zip", "请在打开它的软件中“另存为 PDF”", "Save it as PDF"),
    ("old_office", "请在打开它的软件中“另存为 PDF”", "Save it as PDF"),
    ("text", "这是一个文本文件，不是扫描件", "a text file, not a scan"),
    ("webp", "这是一张 WEBP 格式的图片", "a WEBP image"),
    ("audio_video", "这是一个音频或视频文件", "a sound or video file"),
    ("unknown", "不支持这种文件。只接受 PDF、TIFF、PNG、JPEG 和 HEIC", "JPEG"),
])
def test_a_file_of_a_type_not_taken_says_what_it_seems_to_be_and_what_to_do(
        seems: str, said: str, said_in_english: str) -> None:
    chinese, english = _pages(_refused("unsupported_media_type", "the file is …",
                                       seems=seems))
    assert said in chinese
    assert said_in_english in english


def test_the_sentences_about_a_file_filed_otherwise_are_apart_in_english() -> None:
    batch = _refused("filed_differently", "these bytes are already filed as …",
                     fields=["household"], job_id="j1", document_id="d1")
    chinese, english = _pages(batch)
    assert "原档号保留可查。如果这确实是另一份文件" in chinese
    assert not re.search(r"[a-z)]\.[A-Z]", english), english


def _form(asked: Asked) -> tuple[str, str]:
    """The digitising page's form, filled as the address asked (``asked``)."""
    values = dict.fromkeys(DEFAULT_FIELDS, "") | {
        "filed_at": "2024-05-18", "household": asked.household, "category": asked.category}
    return in_both_languages(WANG, "/ui/ingest", "ingest.html", shown=None, recent=[],
                             problem=asked.problem, manifests=[], asked=asked,
                             categories=CATEGORY_CHOICES, levels=SECURITY_CHOICES,
                             values=values, location_pattern=LOCATION_PATTERN)


def test_a_household_asked_in_the_address_is_named_with_its_occupant_in_both_languages(
        ) -> None:
    at = datetime(2024, 5, 18, tzinfo=UTC)
    zhang = Occupancy(occupancy_id=1, occupant="张伟", moved_in=date(2021, 6, 30),
                      moved_out=None)
    file = Household(household="B-0502", building="B", floor=5, unit=2, label="张伟",
                     occupied=True, occupants=[zhang], created_at=at, updated_at=at)
    chinese, english = _form(replace(asked_of("b0502", "维修"), file=file))
    assert ('户号已按这一户填好：<a href="/ui/households/B-0502">B-0502</a>（现住户：张伟）'
            in chinese)
    assert '<option value="repair" selected>' in chinese
    assert ('The household is filled in: <a href="/ui/households/B-0502">B-0502</a> '
            '(current occupant: <span lang="zh">张伟</span>)') in english
    new_chinese, new_english = _form(asked_of("B-0503", ""))
    assert "还没有户号为 B-0503 的户档：按这个户号上传，会为它建立新的户档。" in new_chinese
    assert ("to register the household and its occupant first: "
            '<a href="/ui/households?q=B-0503">Open Household files</a>') in new_english


def test_an_ill_formed_household_in_the_address_is_refused_at_its_field() -> None:
    asked = asked_of("zz-99", "no-such")
    assert (asked.problem, asked.household) == ("invalid_household", "zz-99")
    chinese, _ = _form(asked)
    assert "地址中的户号“zz-99”不是有效的单元号" in chinese
    assert re.search(r'<input id="household"[^>]*aria-invalid="true"', chinese)
    assert asked_of("B-0502", "no-such").problem == "unknown_category"


def test_the_filing_date_says_an_old_files_own_date_is_wanted_not_today() -> None:
    """D8, D3: the archive number's year and the occupant's part follow ``filed_at``; the
    form fills in today, so a cabinet of old paper filed as it stands is numbered this
    year and put in the current occupant's part unless the archivist is told."""
    chinese, english = _form(asked_of("", ""))
    assert re.search(r'<input id="filed_at"[^>]*aria-describedby="filed_at-hint"', chinese)
    hint = re.search(r'<span class="hint" id="filed_at-hint">([^<]*)</span>', chinese)
    assert hint is not None
    assert "扫描旧档案时请改为文件原来的归档日期" in hint.group(1)
    assert "change this to the date they were first filed" in english


@pytest.mark.parametrize(("problem", "said", "said_in_english"), [
    ("invalid_date", "默认值中的归档日期“2026-02-30”不是一个日期，文件都没有上传",
     "The default filing date “2026-02-30” is not a date"),
    ("date_in_future", "默认值中的归档日期 2026-02-30 在今天之后，文件都没有上传",
     "The default filing date 2026-02-30 is after today"),
])
def test_a_refused_default_filing_date_says_which_and_marks_its_field(
        problem: str, said: str, said_in_english: str) -> None:
    values = dict.fromkeys(DEFAULT_FIELDS, "") | {"filed_at": "2026-02-30"}
    chinese, english = in_both_languages(
        WANG, "/ui/ingest", "ingest.html", shown=None, recent=[], problem=problem,
        manifests=[], asked=Asked(), categories=CATEGORY_CHOICES, levels=SECURITY_CHOICES,
        values=values, location_pattern=LOCATION_PATTERN)
    assert said in chinese
    assert said_in_english in english
    assert re.search(r'<input id="filed_at"[^>]*aria-invalid="true"', chinese)
