"""What the digitising page files each chosen file as: its manifest row (matched by the
path the manifest gives, as a folder's files arrive named by their path under it), else
the form's defaults; what cannot be uploaded is planned as refused, with the reason."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.manifest import RowProblem, left_out, manifest_rows
from services.web.ingest_page import Defaults, defaults_of, plan

HEADER = "path,household,category,title,filed_at,security\n"
TODAY = date(2024, 9, 2)
DEFAULTS = defaults_of({"household": "C-0502", "category": "visit", "filed_at": "2024-07-01",
                       "security": "confidential", "location": " C栋 /档案室/2/5"},
                       today=TODAY)


def rows(text: str, header: str = HEADER):  # type: ignore[no-untyped-def]
    return manifest_rows((header + text).encode(), today=TODAY)


def test_a_folders_files_match_the_manifests_relative_paths() -> None:
    planned = plan(["scans/a/1.png", "scans/2.png"],
                   rows("a/1.png,A-1201,repair,报修,2024-05-18,\n2.png,,policy,制度,2024-05-19,\n"),
                   DEFAULTS)
    assert [(p.filename, p.upload, p.metadata["title"]) for p in planned] == [
        ("scans/a/1.png", 0, "报修"), ("scans/2.png", 1, "制度")]
    assert "household" not in planned[1].metadata


def test_a_path_written_from_the_manifests_folder_or_on_windows_matches_too() -> None:
    planned = plan(["scans/a/1.png", "scans/a/2.png", "scans/3.png"],
                   rows("./a/1.png,A-1201,repair,报修,2024-05-18,\n"
                        "a\\2.png,A-1201,repair,来函,2024-05-18,\n"
                        "../3.png,A-1201,repair,投诉,2024-05-18,\n"),
                   DEFAULTS)
    assert [(p.filename, p.upload, p.error_code) for p in planned] == [
        ("scans/a/1.png", 0, ""), ("scans/a/2.png", 1, ""),
        ("../3.png", None, "missing_file"),  # outside the manifest's folder: not that file
        ("scans/3.png", 2, "")]


def test_files_chosen_by_name_match_the_rows_that_list_them_in_a_sub_folder() -> None:
    # The file picker gives bare names; the manifest lists paths relative to itself.
    planned = plan(["A0801-入伙.jpg", "A0801-报修.jpg"],
                   rows("扫描/A0801-报修.jpg,A-0801,repair,报修,2024-03-03,\n"
                        "扫描/A0801-入伙.jpg,A-0801,move_in,入伙通知书,2015-08-08,\n"),
                   DEFAULTS)
    assert [(p.filename, p.upload, p.metadata["title"]) for p in planned] == [
        ("A0801-报修.jpg", 1, "报修"), ("A0801-入伙.jpg", 0, "入伙通知书")]


def test_two_chosen_files_of_one_name_for_two_rows_are_refused_not_guessed() -> None:
    planned = plan(["1.png", "1.png", "2.png"],
                   rows("2023/1.png,A-1201,repair,报修,2023-05-18,\n"
                        "2024/1.png,A-1201,repair,来函,2024-05-18,\n"), DEFAULTS)
    assert [(p.filename, p.upload, p.error_code, p.line) for p in planned] == [
        ("2023/1.png", None, "ambiguous_file", 2), ("2024/1.png", None, "ambiguous_file", 3),
        ("2.png", 2, "", None)]  # neither 1.png is sent with the defaults instead
    assert "could be any of the chosen files 1.png, 1.png" in planned[0].error


def test_one_file_two_rows_name_is_refused_for_both_rows() -> None:
    planned = plan(["1.png"], rows("a/1.png,A-1201,repair,报修,2023-05-18,\n"
                                   "b/1.png,A-1201,repair,来函,2024-05-18,\n"), DEFAULTS)
    assert [(p.upload, p.error_code) for p in planned] == [
        (None, "ambiguous_file"), (None, "ambiguous_file")]


def test_files_the_manifest_does_not_list_take_the_defaults() -> None:
    [planned] = plan(["回访记录.png"], None, DEFAULTS)
    # No title: ingest titles the file by its name, and compares only what was said.
    assert planned.metadata == {
        "category": "visit", "filed_at": "2024-07-01", "security": "confidential",
        "household": "C-0502",
        "location": {"building": "C栋", "room": "档案室", "cabinet": "2", "box": "5"}}


def test_form_values_left_as_the_form_first_shows_them_are_not_said() -> None:
    defaults = defaults_of({"category": "visit", "filed_at": TODAY.isoformat(),
                            "security": "ordinary"}, today=TODAY)
    [planned] = plan(["回访记录.png"], None, defaults)
    assert planned.metadata == {"category": "visit"}


def test_a_manifests_empty_cells_are_not_said() -> None:
    header = HEADER.replace("\n", ",personal_info,location,language\n")
    [planned] = plan(["1.png"], rows("1.png,a-1201,维修,,2024/5/18,,,,\n", header), DEFAULTS)
    assert planned.metadata == {"category": "repair", "household": "A-1201",
                                "filed_at": "2024-05-18"}


def test_a_default_unit_code_is_read_as_staff_type_it() -> None:
    [planned] = plan(["x.png"], None, Defaults(household="ｃ０５０２", category="visit"))
    assert planned.metadata is not None
    assert planned.metadata["household"] == "C-0502"


def test_a_bad_row_and_a_missing_file_are_refused_with_the_line() -> None:
    header = HEADER.replace("\n", ",personal_info\n")
    planned = plan(["1.png", "3.png"], rows("1.png,A-1201,repair,报修,2024-05-18,,\n"
                                            "2.png,A-1201,repair,报修,2024-05-18,,\n"
                                            "3.png,A-1201,repair,报修,2024-05-18,,maybe\n",
                                            header), DEFAULTS)
    assert [(p.filename, p.upload, p.error_code) for p in planned] == [
        ("1.png", 0, ""), ("2.png", None, "missing_file"),
        ("3.png", None, "invalid_personal_info")]  # the page says which value, in Chinese
    assert "line 4" in planned[2].error
    assert [(p.line, p.value) for p in planned[1:]] == [(3, "2.png"), (4, "maybe")]


def test_a_row_with_a_bad_unit_code_is_refused_with_its_line_and_what_it_says() -> None:
    [planned] = plan(["1.png"], rows("1.png,12楼01,repair,报修,2024-05-18,\n"), DEFAULTS)
    assert (planned.upload, planned.error_code, planned.line, planned.value) == (
        None, "invalid_household", 2, "12楼01")
    assert planned.error.startswith("manifest line 2: ")


def test_a_file_sent_without_a_category_is_refused_for_that() -> None:
    [planned] = plan(["x.png"], None, Defaults(category=""))
    assert (planned.upload, planned.error_code) == (None, "category_required")


@pytest.mark.parametrize("typed", [
    "A栋/3", "A栋/档案室//12", "A栋/档案室/3/12/1", "A栋/档案室/3/ "])
def test_a_default_location_that_is_not_four_parts_refuses_the_form_once(typed: str) -> None:
    with pytest.raises(ValueError, match="building/room/cabinet/box"):
        defaults_of({"category": "visit", "location": typed}, today=TODAY)
    assert defaults_of({"category": "visit", "location": " "}, today=TODAY).location is None


def test_hidden_files_and_the_folders_manifest_are_not_sent() -> None:
    assert left_out(".DS_Store")
    assert left_out("scans/.git/config")
    assert left_out("cab2/清单.CSV")
    assert not left_out("scans/1.png")


@pytest.mark.parametrize(("typed", "code"), [
    ("2026-02-30", "invalid_date"), ("民国113年5月1日", "invalid_date"),
    ("二〇二四年", "invalid_date"), ("0000-01-01", "invalid_date"), ("1000-01-01", "invalid_date"),
    ("2099-01-01", "date_in_future")])
def test_a_default_filing_date_that_is_no_day_or_not_yet_refuses_the_form_once(
        typed: str, code: str) -> None:
    """Sent with the files, each file was refused after upload, as 'the filing information
    is incomplete or ill-formed (title, filing date, security)', not saying which."""
    with pytest.raises(RowProblem) as refused:
        defaults_of({"category": "visit", "filed_at": typed}, today=TODAY)
    assert refused.value.code == code


def test_a_default_filing_date_is_read_as_the_manifest_reads_one() -> None:
    assert defaults_of({"category": "visit", "filed_at": "2024年5月18日"},
                       today=TODAY).filed_at == "2024-05-18"
