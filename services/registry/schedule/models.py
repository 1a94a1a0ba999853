"""Retention schedule: the API structs of the schedule and its changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from services.common.models import Category, RetentionClass, Struct

Years = Annotated[int, msgspec.Meta(ge=1, le=200)]


class RetentionYears(Struct):
    """Years of the limited classes: ``long`` 长期 (default 30), ``short`` 短期 (default 10)."""

    long: Years
    short: Years


class ScheduleUpdate(Struct):
    """A whole new schedule: every category must be given a class."""

    classes: dict[Category, RetentionClass]
    years: RetentionYears


class RetentionSchedule(Struct):
    classes: dict[Category, RetentionClass]
    years: RetentionYears
    updated_at: datetime | None
    updated_by: str | None


class ScheduleChange(Struct):
    schedule: RetentionSchedule
    documents_recomputed: int
