"""Retention arithmetic (R1), pure: classes, years, start events, leap days."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.models import CATEGORIES, Category, RetentionClass
from services.registry.schedule.rules import (
    DEFAULT_CLASSES,
    DEFAULT_RULES,
    RetentionRules,
    add_years,
    retention_start,
)


def test_the_default_schedule_gives_every_category_the_class_r1_names() -> None:
    by_class: dict[str, set[str]] = {}
    for category, retention_class in DEFAULT_CLASSES.items():
        by_class.setdefault(retention_class, set()).add(category)
    assert set(DEFAULT_CLASSES) == set(CATEGORIES)
    assert by_class == {
        "permanent": {"unit_info", "contract", "engineering", "policy"},
        "long": {"payment", "decoration", "move_in", "supplement", "correspondence",
                 "violation_arrears"},
        "short": {"contact", "emergency_contact", "repair", "complaint", "application",
                  "visit"},
    }


@pytest.mark.parametrize(("category", "due"), [
    ("policy", None), ("decoration", date(2049, 7, 1)), ("visit", date(2029, 7, 1)),
])
def test_disposal_due_is_start_plus_the_years_of_the_class(category: Category,
                                                           due: date | None) -> None:
    assert DEFAULT_RULES.disposal_due(category, date(2019, 7, 1)) == due


@pytest.mark.parametrize(("filed_at", "closed_on", "start"), [
    (date(2020, 1, 1), None, date(2020, 1, 1)),
    (date(2020, 1, 1), date(2023, 3, 31), date(2023, 3, 31)),
    (date(2024, 5, 5), date(2023, 3, 31), date(2024, 5, 5)),
])
def test_the_clock_starts_at_filing_or_at_move_out_of_a_closed_occupancy(
        filed_at: date, closed_on: date | None, start: date) -> None:
    assert retention_start(filed_at, closed_on) == start


def test_a_leap_day_plus_years_falls_on_the_28th_of_february() -> None:
    assert add_years(date(2024, 2, 29), 10) == date(2034, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_changed_categories_are_those_whose_class_or_years_changed() -> None:
    classes: dict[Category, RetentionClass] = {**DEFAULT_CLASSES, "repair": "long"}
    years: dict[RetentionClass, int] = {"long": 30, "short": 12}
    changed = RetentionRules(classes=classes, years=years).categories_changed_from(DEFAULT_RULES)
    short = {c for c, k in DEFAULT_CLASSES.items() if k == "short"}
    assert set(changed) == short
