"""A manifest as it comes out of Excel on a Chinese desktop: "CSV (逗号分隔)" writes GBK,
"CSV UTF-8" writes a byte-order mark, and a filing date edited there is saved as 2024/5/18.
Each reads as the UTF-8 manifest of interface.md does; bytes that are no text are refused
as a whole, with what to do."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.manifest import ManifestRefused, ManifestUnreadable, manifest_rows

TODAY = date(2024, 9, 2)
MANIFEST = (
    "path,household,category,title,filed_at,security\r\n"
    "a.png,C-0802,decoration,裝修申請表（拆除廚房非承重牆）,2024-05-18,ordinary\r\n"
    "b.pdf,B-1703,repair,吊顶渗水报修函,2024/5/8,confidential\r\n")


def _read(data: bytes) -> list[tuple[str, str, str]]:
    return [(row.path, row.metadata["title"], row.metadata["filed_at"])
            for row in manifest_rows(data, today=TODAY)]


EXPECTED = [("a.png", "裝修申請表（拆除廚房非承重牆）", "2024-05-18"),
            ("b.pdf", "吊顶渗水报修函", "2024-05-08")]


@pytest.mark.parametrize("encoded", [
    MANIFEST.encode("utf-8"),
    b"\xef\xbb\xbf" + MANIFEST.encode("utf-8"),
    MANIFEST.encode("gbk"),
], ids=["utf-8", "utf-8 with Excel's BOM", "gbk (Excel's CSV on Chinese Windows)"])
def test_a_manifest_reads_alike_in_each_encoding_excel_writes(encoded: bytes) -> None:
    assert _read(encoded) == EXPECTED


@pytest.mark.parametrize("typed", [
    "2024-05-18", "2024/5/18", "2024-5-18", "2024.5.18", "2024年5月18日", "２０２４年５月１８日"])
def test_a_filing_date_is_read_as_people_write_it_year_first(typed: str) -> None:
    rows = ("path,household,category,title,filed_at,security\n"
            f"a.png,A-1201,repair,t,{typed},ordinary\n")
    [row] = manifest_rows(rows.encode(), today=TODAY)
    assert (row.problem, row.metadata["filed_at"]) == ("", "2024-05-18")


@pytest.mark.parametrize(("filed_at", "language", "code"), [
    ("18/5/2024", "", "invalid_date"),  # day or month first? not guessed
    ("2024-02-30", "", "invalid_date"),
    ("", "", "date_required"),
    ("2024-05-18", "法文", "invalid_language"),
])
def test_a_date_or_language_that_cannot_be_read_is_that_rows_problem_with_its_line(
        filed_at: str, language: str, code: str) -> None:
    rows = ("path,household,category,title,filed_at,security,language\n"
            f"a.png,A-1201,repair,t,{filed_at},ordinary,{language}\n")
    [row] = manifest_rows(rows.encode(), today=TODAY)
    assert (row.line, row.problem_code, row.metadata) == (2, code, {})
    assert row.problem


@pytest.mark.parametrize(("filed_at", "code"), [
    ("2024-09-03", "date_in_future"),  # the day after TODAY
    ("2091-01-01", "date_in_future"),
])
def test_a_filing_date_not_yet_come_is_that_rows_problem_as_ingest_would_refuse_it(
        filed_at: str, code: str) -> None:
    rows = ("path,household,category,title,filed_at,security\n"
            f"a.png,A-1201,repair,t,{filed_at},ordinary\n"
            "b.png,A-1201,repair,t,2024-09-02,ordinary\n")
    bad, today = manifest_rows(rows.encode(), today=TODAY)
    assert (bad.line, bad.problem_code, bad.problem_value, bad.metadata) == (
        2, code, filed_at, {})
    assert (today.problem, today.metadata["filed_at"]) == ("", "2024-09-02")


@pytest.mark.parametrize(("typed", "model"), [
    ("chi_tra", "chi_tra"), ("繁體", "chi_tra"), ("繁体中文", "chi_tra"), ("简体", "chi_sim"),
    ("英文", "eng"), ("ENG", "eng")])
def test_a_language_is_its_ocr_model_or_its_name(typed: str, model: str) -> None:
    rows = ("文件,户号,类别,标题,归档日期,密级,语言\n"
            f"a.png,A-1201,往来函件,致业主的一封信,2024-05-18,普通,{typed}\n")
    [row] = manifest_rows(rows.encode("gbk"), today=TODAY)
    assert (row.problem, row.metadata["language"]) == ("", model)


def test_the_blank_rows_excel_leaves_below_the_table_are_skipped() -> None:
    rows = ("path,household,category,title,filed_at,security\r\n"
            "a.png,A-1201,repair,t,2024-05-18,ordinary\r\n"
            ",,,,,\r\n"
            " , ,,,,\r\n")
    assert [(row.line, row.problem)
            for row in manifest_rows(rows.encode(), today=TODAY)] == [(2, "")]


def test_a_path_typed_on_windows_names_the_file_as_with_slashes() -> None:
    rows = ("path,household,category,title,filed_at,security\n"
            "扫描\\2024\\0001.pdf,A-1201,repair,t,2024-05-18,ordinary\n")
    assert [row.path for row in manifest_rows(rows.encode(), today=TODAY)] == [
        "扫描/2024/0001.pdf"]


@pytest.mark.parametrize(("category", "security", "expected"), [
    ("repair", "ordinary", ("repair", "ordinary")),
    ("维修/报修记录", "机密", ("repair", "confidential")),
    ("维修", "绝密", ("repair", "secret")),
    ("合同", "普通", ("contract", "ordinary")),  # the end of 购/租房合同
    ("投訴", "機密", ("complaint", "confidential")),  # Traditional, as some staff type
    ("Decoration", "普通", ("decoration", "ordinary")),
    ("报修", "普通", ("repair", "ordinary")),  # the start of a part of 维修/报修记录
    ("回访", "普通", ("visit", "ordinary")),  # of 拜访/回访记录
    ("迁入", "普通", ("move_in", "ordinary")),  # of 入住/迁入资料
])
def test_a_category_and_security_may_be_written_as_staff_know_them(
        category: str, security: str, expected: tuple[str, str]) -> None:
    rows = ("path,household,category,title,filed_at,security\n"
            f"a.png,A-1201,{category},t,2024-05-18,{security}\n")
    [row] = manifest_rows(rows.encode(), today=TODAY)
    assert (row.problem, row.metadata["category"], row.metadata["security"]) == ("", *expected)


@pytest.mark.parametrize(("category", "security", "problem"), [
    ("资料", "普通", "category '资料' could be any of 客户单位资料、入住/迁入资料、"
              "资料补充(证件、执照、铭牌)、联络资料"),  # four names start or end so
    ("维", "普通", "category '维' is none of the categories"),  # one character: too little
    ("repair", "秘密", "security '秘密' is none of ordinary (普通), confidential (机密)"),
])
def test_a_name_that_is_no_one_category_or_level_is_that_rows_problem(
        category: str, security: str, problem: str) -> None:
    rows = ("path,household,category,title,filed_at,security\n"
            f"a.png,A-1201,{category},t,2024-05-18,{security}\n"
            "b.png,A-1201,repair,t,2024-05-18,ordinary\n")
    bad, good = manifest_rows(rows.encode(), today=TODAY)
    assert problem in bad.problem
    assert bad.problem_code == ("unknown_category" if "category" in problem
                                else "invalid_security")
    assert bad.problem_value == (category if "category" in problem else security)
    assert good.problem == ""


@pytest.mark.parametrize(("typed", "household"), [
    ("A-1201", "A-1201"),
    ("a-1201", "A-1201"),
    ("A1201", "A-1201"),  # no hyphen after a building of letters
    ("Ａ－１２０１", "A-1201"),  # full width, as a Chinese IME types it
    ("A–1201", "A-1201"),  # an en dash, as Word turns a hyphen
    ("A 1201", "A-1201"),
    ("b1-0101", "B1-0101"),
])
def test_a_unit_code_may_be_written_as_staff_type_it(typed: str, household: str) -> None:
    rows = f"path,household,category,title,filed_at,security\na.png,{typed},repair,t,2024-05-18,\n"
    [row] = manifest_rows(rows.encode(), today=TODAY)
    assert (row.problem, row.metadata["household"]) == ("", household)


@pytest.mark.parametrize("typed", ["B10101", "A-12O1", "甲-1201", "12楼01"])
def test_a_unit_code_that_names_none_or_is_ambiguous_is_that_rows_problem_with_its_line(
        typed: str) -> None:
    """Refused at upload it named no line; the page says it in its own words (户号格式不对)
    after the line and what it says."""
    rows = ("path,household,category,title,filed_at,security\n"
            "a.png,A-1201,repair,t,2024-05-18,\n"
            f"b.png,{typed} ,repair,t,2024-05-18,\n")
    good, bad = manifest_rows(rows.encode(), today=TODAY)
    assert (bad.line, bad.problem_code, bad.problem_value, bad.metadata) == (
        3, "invalid_household", typed, {})
    assert "is not a unit code like A-1201" in bad.problem
    assert good.problem == ""


def test_a_row_without_the_unit_code_its_category_needs_is_that_rows_problem() -> None:
    rows = ("path,household,category,title,filed_at,security\n"
            "a.png,,repair,t,2024-05-18,\n"
            "b.png,,policy,t,2024-05-18,\n")
    repair, policy = manifest_rows(rows.encode(), today=TODAY)
    assert (repair.line, repair.problem_code, repair.problem_value) == (
        2, "household_required", "")
    assert (policy.problem, policy.metadata) == ("", {"category": "policy", "title": "t",
                                                      "filed_at": "2024-05-18"})


@pytest.mark.parametrize("header", [
    "文件,户号,类别,标题,归档日期,密级",  # as an archivist titles the columns
    "文件,戶號,類別,標題,歸檔日期,密級",  # in Traditional
    "Path, Household ,CATEGORY,Title,Filed_At,Security",  # the names in any case
])
def test_the_header_may_title_the_columns_in_chinese(header: str) -> None:
    [row] = manifest_rows(f"{header}\na.png,A-1201,维修,漏水,2024/5/8,普通\n".encode("gb18030"),
                          today=TODAY)
    assert (row.problem, row.path, row.metadata["category"], row.metadata["filed_at"]) == (
        "", "a.png", "repair", "2024-05-08")


def test_a_header_without_the_needed_columns_names_them_both_ways() -> None:
    with pytest.raises(ManifestRefused) as refused:
        manifest_rows("文件,户号,说明\na.png,A-1201,x\n".encode(), today=TODAY)
    assert "lacks category, title, filed_at, security" in str(refused.value)
    assert "文件,户号,类别,标题,归档日期,密级" in str(refused.value)


def test_bytes_that_are_no_text_refuse_the_manifest_saying_how_to_save_it() -> None:
    with pytest.raises(ManifestUnreadable, match="save it as CSV"):
        manifest_rows(b"path,household\n\x80\xff\xfe\x00", today=TODAY)


@pytest.mark.parametrize(("typed", "location"), [
    ("A栋/档案室/12/3", {"building": "A栋", "room": "档案室", "cabinet": "12", "box": "3"}),
    # As labels and catalogues print a box (a new user copied it from one).
    ("A栋 档案室 12柜 3盒", {"building": "A栋", "room": "档案室", "cabinet": "12柜", "box": "3盒"}),
])
def test_a_paper_location_may_be_written_as_labels_print_it(
        typed: str, location: dict[str, str]) -> None:
    rows = ("path,household,category,title,filed_at,security,location\n"
            f"a.png,A-1201,repair,t,2024-05-18,,{typed}\n")
    [row] = manifest_rows(rows.encode(), today=TODAY)
    assert (row.problem, row.metadata["location"]) == ("", location)


@pytest.mark.parametrize("typed", ["A栋 档案室 12柜", "A栋 2 号 档案室 12柜 3盒", "A栋/档案室/12"])
def test_a_paper_location_not_of_four_parts_is_that_rows_problem(typed: str) -> None:
    rows = ("path,household,category,title,filed_at,security,location\n"
            f"a.png,A-1201,repair,t,2024-05-18,,{typed}\n")
    [row] = manifest_rows(rows.encode(), today=TODAY)
    assert (row.problem_code, row.problem_value) == ("invalid_location", typed)


def test_a_title_cell_of_nothing_visible_is_left_out_as_an_empty_one() -> None:
    """Ingest then files the file's name as title, rather than refusing the row's upload
    for a title of a zero-width space."""
    rows = ("path,household,category,title,filed_at,security\r\n"
            "a.png,A-1201,repair,\u200b\u3000,2024-05-18,ordinary\r\n")
    [row] = manifest_rows(rows.encode(), today=TODAY)
    assert (row.problem, "title" in row.metadata) == ("", False)
