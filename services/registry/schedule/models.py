"""Retention schedule: tables and API structs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.common.models import Category, RetentionClass, Struct
from services.registry.schema import metadata

retention_schedule = sa.Table(
    "retention_schedule", metadata,
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("retention_class", sa.String(16), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=True),
    sa.Column("updated_by", sa.String(80), nullable=True),
)

retention_periods = sa.Table(
    "retention_periods", metadata,
    sa.Column("retention_class", sa.String(16), primary_key=True),
    sa.Column("years", sa.Integer, nullable=False),
)

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
