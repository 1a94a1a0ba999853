"""Time as a seam: services take a ``Clock`` so tests move time instead of sleeping.

Instants are UTC everywhere they are kept. A day is the company's: ``today`` and
``day_of`` read an instant in the company's time zone (``ARCHIVE_TIME_ZONE``), so a loan
issued at 07:30 in Shanghai is on that day's register, not the day before's (23:30 UTC).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

COMPANY_ZONE = ZoneInfo("Asia/Shanghai")
"""The time zone a day is counted in unless ``ARCHIVE_TIME_ZONE`` names another."""


def day_start(day: date, zone: tzinfo) -> datetime:
    """The instant ``day`` begins on the clocks of ``zone`` (a range of days given by
    people is from its first day's start to the start of the day after its last)."""
    return datetime.combine(day, time(), tzinfo=zone)


def day_end(day: date, zone: tzinfo) -> datetime:
    """The last second of ``day`` on the clocks of ``zone``, in UTC: what is due on a day
    is due by its end (a loan due back on the 12th may be returned at 17:00 that day)."""
    return day_start(day + timedelta(days=1), zone).astimezone(UTC) - timedelta(seconds=1)


def day_end_after(moment: datetime, days: int, zone: tzinfo) -> datetime:
    """The end (``day_end``) of the day ``days`` after the day of ``moment`` on the clocks
    of ``zone``: lent at 17:00 on the 3rd for 7 days, due by the end of the 10th."""
    return day_end(moment.astimezone(zone).date() + timedelta(days=days), zone)


class Clock(ABC):
    def __init__(self, zone: tzinfo = COMPANY_ZONE) -> None:
        self.zone = zone

    @abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""

    def today(self) -> date:
        """The company's day now."""
        return self.day_of(self.now())

    def day_of(self, moment: datetime) -> date:
        """The company's day at ``moment``."""
        return self.local(moment).date()

    def local(self, moment: datetime) -> datetime:
        """``moment`` on the company's clocks, to show people."""
        return moment.astimezone(self.zone)


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock tests set and advance; public test switch, not a mock."""

    def __init__(self, start: datetime, zone: tzinfo = COMPANY_ZONE) -> None:
        super().__init__(zone)
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment
