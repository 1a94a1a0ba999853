"""A day is the company's: an instant is read on its clocks, not UTC's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.common.clock import FixedClock


def test_the_day_turns_at_the_companys_midnight() -> None:
    clock = FixedClock(datetime(2026, 12, 31, 15, 59, tzinfo=UTC))
    assert clock.today() == date(2026, 12, 31)
    clock.advance(timedelta(minutes=1))
    assert clock.today() == date(2027, 1, 1)  # 00:00 in Shanghai, 16:00 UTC
    assert clock.local(clock.now()).hour == 0


def test_another_zone_counts_its_own_day() -> None:
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert FixedClock(moment, ZoneInfo("Europe/London")).today() == date(2026, 12, 31)
    assert FixedClock(moment, ZoneInfo("Asia/Hong_Kong")).day_of(moment) == date(2027, 1, 1)
