"""Retention arithmetic (R1), pure: which class a category is in and when it falls due."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.common.models import Category, RetentionClass

# R1's default schedule; the migration seeds the same values.
DEFAULT_CLASSES: dict[Category, RetentionClass] = {
    "unit_info": "permanent", "contract": "permanent", "engineering": "permanent",
    "policy": "permanent",
    "payment": "long", "decoration": "long", "move_in": "long", "supplement": "long",
    "correspondence": "long", "violation_arrears": "long",
    "contact": "short", "emergency_contact": "short", "repair": "short", "complaint": "short",
    "application": "short", "visit": "short",
}
DEFAULT_YEARS: dict[RetentionClass, int] = {"long": 30, "short": 10}


def add_years(day: date, years: int) -> date:
    """``day`` plus ``years``; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_start(filed_at: date, closed_on: date | None) -> date:
    """R1: the clock starts at filing, or at move-out for documents of a closed occupancy."""
    return filed_at if closed_on is None else max(filed_at, closed_on)


@dataclass(frozen=True)
class RetentionRules:
    """A schedule as read from the database: classes per category, years per class."""

    classes: Mapping[Category, RetentionClass]
    years: Mapping[RetentionClass, int]

    def class_of(self, category: Category) -> RetentionClass:
        return self.classes[category]

    def disposal_due(self, category: Category, start: date) -> date | None:
        """When a document of ``category`` whose clock started at ``start`` is due for
        appraisal; ``None`` for ``permanent``."""
        retention_class = self.class_of(category)
        if retention_class == "permanent":
            return None
        return add_years(start, self.years[retention_class])

    def categories_changed_from(self, before: RetentionRules) -> list[Category]:
        """Categories whose due date may differ between ``before`` and these rules."""
        return [category for category, retention_class in self.classes.items()
                if retention_class != before.classes.get(category)
                or self.years.get(retention_class) != before.years.get(retention_class)]


DEFAULT_RULES = RetentionRules(classes=DEFAULT_CLASSES, years=DEFAULT_YEARS)
