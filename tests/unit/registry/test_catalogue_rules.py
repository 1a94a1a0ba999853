"""Catalogue rules, pure: archive number format (D8), registration validation codes,
corrections as a diff (D6), the record an access answer hands over, the part of the file
a document is placed in (D3, R1)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common.contracts.households import Occupancy, occupancy_on
from services.common.contracts.registry import AccessAnswer, PaperLocation
from services.common.errors import Forbidden, NotFound, ValidationFailed
from services.common.models import checked_category, checked_household
from services.registry.catalogue.rules import archive_no
from services.registry.corrections.models import MetadataChanges
from services.registry.corrections.rules import apply_changes
from services.registry.households.rules import placed
from services.registry.schedule.rules import DEFAULT_RULES
from tests.support.registry import document_record

NOW = datetime(2024, 6, 1, tzinfo=UTC)


JIA = Occupancy(occupancy_id=1, occupant="甲公司", moved_in=date(2018, 1, 1),
                moved_out=date(2021, 1, 1))
YI = Occupancy(occupancy_id=2, occupant="乙公司", moved_in=date(2021, 1, 1), moved_out=None)
IN_JIAS_PART = document_record(occupancy_id=1, retention_start=date(2021, 1, 1),
                               disposal_due=date(2031, 1, 1))
"""A slip filed in 2020, in 甲's part of the file: its clock started when 甲 moved out."""


@pytest.mark.parametrize(("day", "part"), [
    (date(2017, 12, 31), None), (date(2018, 1, 1), JIA), (date(2020, 12, 31), JIA),
    (date(2021, 1, 1), YI), (date(2030, 1, 1), YI)])
def test_a_document_belongs_to_the_occupancy_in_force_on_its_date_the_new_one_on_move_day(
        day: date, part: Occupancy | None) -> None:
    assert occupancy_on([YI, JIA], day) == part


def test_a_document_placed_in_a_closed_part_starts_its_clock_at_the_move_out() -> None:
    moved = placed(document_record(), JIA, DEFAULT_RULES)
    vacant = placed(document_record(occupancy_id=1), None, DEFAULT_RULES)
    assert (moved.occupancy_id, moved.retention_start, moved.disposal_due) == (
        1, date(2021, 1, 1), date(2031, 1, 1))
    assert (vacant.occupancy_id, vacant.retention_start, vacant.disposal_due) == (
        None, date(2020, 5, 1), date(2030, 5, 1))


def test_a_due_date_the_appraisers_set_stands_when_the_document_moves() -> None:
    """R3 outranks the schedule: kept permanently, or until a day, or to be appraised
    again; only the start of its clock moves with the part."""
    for due in (None, date(2040, 1, 1), date(2029, 6, 1)):
        moved = placed(document_record(disposal_due=due), JIA, DEFAULT_RULES)
        assert (moved.occupancy_id, moved.retention_start, moved.disposal_due) == (
            1, date(2021, 1, 1), due)


def test_an_archive_number_names_year_category_household_and_sequence() -> None:
    assert archive_no(2024, "correspondence", "A-1201", 7) == "2024-correspondence-A-1201-0007"


def test_a_company_archive_number_has_no_household_part() -> None:
    assert archive_no(2024, "policy", None, 3) == "2024-policy-0003"


@pytest.mark.parametrize(("household", "category", "code"), [
    ("A-1201", "letters", "unknown_category"),
    ("a-1201", "repair", "invalid_household"),
    ("A1201", "repair", "invalid_household"),
    ("../etc", "repair", "invalid_household"),
    (None, "repair", "household_required"),
    ("", "contract", "household_required"),
])
def test_a_bad_registration_is_refused_with_its_code(household: str | None, category: str,
                                                     code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_household(household, checked_category(category))
    assert refused.value.code == code


def test_a_missing_household_is_refused_naming_the_category_without_a_wrong_article() -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_household(None, "engineering")
    assert refused.value.detail.startswith(
        "documents of category engineering (工程档案) belong to a household; give its unit code")


def test_a_company_document_needs_no_household() -> None:
    assert checked_household(None, "policy") is None


def test_a_correction_lists_only_the_fields_it_changes() -> None:
    location = PaperLocation(building="A", room="101", cabinet="3", box="12")
    updated, diff = apply_changes(
        document_record(), MetadataChanges(title="报修单", location=location, is_copy=True),
        DEFAULT_RULES, occupants=(), at=NOW, today=NOW.date())
    assert diff == {"location": [None, {"building": "A", "room": "101", "cabinet": "3",
                                        "box": "12"}], "is_copy": [False, True]}
    assert (updated.version, updated.location, updated.is_copy) == (2, location, True)


def test_a_correction_that_changes_nothing_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        apply_changes(document_record(), MetadataChanges(title="报修单"), DEFAULT_RULES,
                      occupants=(), at=NOW, today=NOW.date())
    assert refused.value.code == "no_changes"


def test_a_new_filing_date_of_a_closed_occupancys_document_keeps_the_move_out_start() -> None:
    updated, diff = apply_changes(IN_JIAS_PART,
                                  MetadataChanges(filed_at=date(2019, 1, 1)), DEFAULT_RULES,
                                  occupants=[JIA, YI], at=NOW, today=NOW.date())
    assert (updated.occupancy_id, updated.retention_start, updated.disposal_due) == (
        1, date(2021, 1, 1), date(2031, 1, 1))
    assert diff == {"filed_at": ["2020-05-01", "2019-01-01"]}


def test_a_new_filing_date_places_the_document_in_the_part_it_falls_in() -> None:
    """D3: as filing on that date would have; the version lists the placement too."""
    into_yi, diff = apply_changes(IN_JIAS_PART,
                                  MetadataChanges(filed_at=date(2022, 3, 1)), DEFAULT_RULES,
                                  occupants=[JIA, YI], at=NOW, today=NOW.date())
    into_jia, _ = apply_changes(document_record(occupancy_id=2, filed_at=date(2022, 3, 1),
                                                retention_start=date(2022, 3, 1),
                                                disposal_due=date(2032, 3, 1)),
                                MetadataChanges(filed_at=date(2019, 1, 1)), DEFAULT_RULES,
                                occupants=[JIA, YI], at=NOW, today=NOW.date())
    assert (into_yi.occupancy_id, into_yi.retention_start, into_yi.disposal_due) == (
        2, date(2022, 3, 1), date(2032, 3, 1))
    assert diff == {"filed_at": ["2020-05-01", "2022-03-01"], "occupancy_id": [1, 2],
                    "retention_start": ["2021-01-01", "2022-03-01"],
                    "disposal_due": ["2031-01-01", "2032-03-01"]}
    assert (into_jia.occupancy_id, into_jia.retention_start, into_jia.disposal_due) == (
        1, date(2021, 1, 1), date(2031, 1, 1))


def test_a_new_filing_date_keeps_a_due_date_the_appraisers_set() -> None:
    """R3: only the start of its clock moves with the part, as when the history changes."""
    updated, diff = apply_changes(document_record(disposal_due=date(2040, 1, 1)),
                                  MetadataChanges(filed_at=date(2019, 1, 1)), DEFAULT_RULES,
                                  occupants=[JIA, YI], at=NOW, today=NOW.date())
    assert (updated.occupancy_id, updated.retention_start, updated.disposal_due) == (
        1, date(2021, 1, 1), date(2040, 1, 1))
    assert sorted(diff) == ["filed_at", "occupancy_id", "retention_start"]


def test_a_new_category_takes_its_class_and_schedule_in_the_document_s_part() -> None:
    updated, diff = apply_changes(IN_JIAS_PART,
                                  MetadataChanges(category="payment"), DEFAULT_RULES,
                                  occupants=[JIA, YI], at=NOW, today=NOW.date())
    assert (updated.retention_class, updated.retention_start, updated.disposal_due) == (
        "long", date(2021, 1, 1), date(2051, 1, 1))
    assert diff == {"category": ["repair", "payment"], "retention_class": ["short", "long"],
                    "disposal_due": ["2031-01-01", "2051-01-01"]}


def test_an_answer_gives_its_record_only_when_it_allows() -> None:
    record = document_record()
    allowed = AccessAnswer(allowed=True, code="allowed", reason="allowed", document=record)
    assert allowed.allowed_document() is record
    refused = AccessAnswer(allowed=False, code="needs_grant", reason="needs a loan",
                           document=record)
    with pytest.raises(Forbidden, match="needs a loan"):
        refused.allowed_document()
    for answer in (AccessAnswer(allowed=False, code="not_visible", reason="no such document"),
                   AccessAnswer(allowed=True, code="allowed", reason="allowed")):
        with pytest.raises(NotFound) as unknown:
            answer.allowed_document()
        assert unknown.value.code == "unknown_document"
