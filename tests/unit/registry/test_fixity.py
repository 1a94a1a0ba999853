"""The archive-number check, pure (D8, reliability promise 6): gaps, duplicates, counters
behind the numbers in use, and how an archive number splits into its series."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from services.common.contracts.registry import CounterMismatch, NumberGap, NumberingReport
from services.ingest.fixity.checker import numbering_findings
from services.registry.catalogue.rules import archive_no, split_archive_no
from services.registry.fixity.rules import MAX_LISTED_GAPS, NumberingCheck
from services.registry.fixity.service import finding_detail

A = "2024-correspondence-A-1201"


def _report(numbers: Iterable[str], counters: Mapping[str, int]) -> NumberingReport:
    check = NumberingCheck()
    for number in numbers:
        check.add(number)
    return check.report(counters)


def _series(series: str, *numbers: int) -> list[str]:
    return [f"{series}-{number:04d}" for number in numbers]


def test_series_numbered_one_to_their_counter_are_clean() -> None:
    report = _report([*_series(A, 3, 1, 2), *_series("2024-repair-B-0305", 1)],
                     {A: 3, "2024-repair-B-0305": 1})
    assert report == NumberingReport(series=2, documents=4, gaps=[], duplicates=[],
                                     counter_mismatches=[])
    assert report.clean


def test_an_empty_catalogue_is_clean() -> None:
    assert _report([], {}).clean


def test_a_number_missing_in_the_middle_is_a_gap() -> None:
    report = _report(_series(A, 1, 2, 4, 6), {A: 6})
    assert report.gaps == [NumberGap(series=A, missing=[3, 5])]
    assert (report.counter_mismatches, report.clean) == ([], False)


def test_numbers_missing_at_the_end_below_the_counter_are_a_gap() -> None:
    report = _report(_series(A, 1, 2), {A: 4})
    assert report.gaps == [NumberGap(series=A, missing=[3, 4])]
    assert report.counter_mismatches == []


def test_a_counter_below_the_highest_number_in_use_is_a_mismatch() -> None:
    report = _report(_series(A, 1, 2, 3), {A: 2})
    assert report.counter_mismatches == [CounterMismatch(series=A, counter=2, highest=3)]
    assert report.gaps == []


def test_records_without_a_counter_and_a_counter_without_records_are_mismatches() -> None:
    report = _report(_series(A, 1, 2), {"2023-repair-C-0101": 2})
    assert report.counter_mismatches == [
        CounterMismatch(series="2023-repair-C-0101", counter=2, highest=0),
        CounterMismatch(series=A, counter=0, highest=2)]
    assert report.gaps == [NumberGap(series="2023-repair-C-0101", missing=[1, 2])]
    assert report.series == 2


def test_a_number_held_by_more_than_one_record_is_a_duplicate_listed_once() -> None:
    report = _report(_series(A, 1, 2, 2, 2, 3, 3), {A: 3})
    assert report.duplicates == [f"{A}-0002", f"{A}-0003"]
    assert (report.documents, report.gaps, report.counter_mismatches) == (6, [], [])


def test_a_company_series_has_no_household_part() -> None:
    report = _report([*_series("2024-policy", 1, 3), *_series(A, 1)], {"2024-policy": 3, A: 1})
    assert report.gaps == [NumberGap(series="2024-policy", missing=[2])]


@pytest.mark.parametrize(("number", "parsed"), [
    ("2024-correspondence-A-1201-0007", ("2024-correspondence-A-1201", 7)),
    ("2024-repair-B1-0101-0012", ("2024-repair-B1-0101", 12)),
    ("2024-policy-0003", ("2024-policy", 3)),
    ("2024-policy-12345", ("2024-policy", 12345)),
])
def test_an_archive_number_splits_into_its_series_and_number(
        number: str, parsed: tuple[str, int]) -> None:
    assert split_archive_no(number) == parsed
    assert archive_no(2024, *_parts(parsed[0]), parsed[1]) == number


def _parts(series: str) -> tuple[str, str | None]:
    _, category, *household = series.split("-", 2)
    return category, household[0] if household else None


@pytest.mark.parametrize("number", [
    "0007", "2024-policy-7", "2024-policy-0000", "2024-policy-", "2024-policy-00a1",
    "2024-policy-٠٠٠١", "2024-policy-00012",
])
def test_a_string_archive_no_would_not_write_does_not_split(number: str) -> None:
    assert split_archive_no(number) is None


def test_a_malformed_archive_number_is_reported_and_counts_in_no_series() -> None:
    report = _report([*_series(A, 1), "2024-correspondence-A-1201-1"], {A: 1})
    assert (report.malformed, report.series, report.documents) == (
        ["2024-correspondence-A-1201-1"], 1, 2)
    assert not report.clean


def test_a_huge_counter_lists_the_lowest_missing_numbers_and_counts_the_rest() -> None:
    report = _report(_series(A, 1, 3), {A: 2_000_000_000})
    [gap] = report.gaps
    assert gap.missing[:3] == [2, 4, 5]
    assert len(gap.missing) == MAX_LISTED_GAPS
    assert gap.unlisted == 2_000_000_000 - 2 - MAX_LISTED_GAPS


def test_a_numbering_finding_s_audit_entry_names_its_series_and_numbers_as_values() -> None:
    """What the checker's sentence says ("series … has no document numbered 2, 3"), the
    audit entry records as values, a missing number as the archive number it would be."""
    gap = numbering_findings(_report(_series(A, 1, 4), {A: 5}))
    behind = numbering_findings(_report(_series(A, 1, 2, 3), {A: 2}))

    assert [finding_detail(finding) for finding in gap] == [{
        "kind": "archive_number_gap", "series": A,
        "missing_archive_nos": _series(A, 2, 3, 5)}]
    assert [finding_detail(finding) for finding in behind] == [{
        "kind": "archive_counter_mismatch", "series": A, "counter": 2, "highest": 3}]
