"""Retention schedule: the registry's own struct of a schedule change (R1). The schedule as
answered is ``services.common.contracts.retention``."""

from __future__ import annotations

from services.common.contracts.retention import RetentionYears
from services.common.models import Category, RetentionClass, Struct


class ScheduleUpdate(Struct):
    """A whole new schedule: every category must be given a class."""

    classes: dict[Category, RetentionClass]
    years: RetentionYears
