"""The statistics' years and months are the company's (ARCHIVE_TIME_ZONE), not UTC's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.common.errors import ValidationFailed
from services.registry.statistics.service import month_starts, period_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_year_begins_at_the_companys_midnight() -> None:
    # 07:30 on 1 January in Shanghai is 23:30 on 31 December in UTC.
    new_year_morning = datetime(2030, 12, 31, 23, 30, tzinfo=UTC)
    period = period_of(2031, new_year_morning, SHANGHAI)
    assert period.since == datetime(2030, 12, 31, 16, tzinfo=UTC)
    assert period.as_of == new_year_morning
    assert period.so_far
    assert month_starts(period, SHANGHAI) == [datetime(2030, 12, 31, 16, tzinfo=UTC)]


def test_a_year_over_ends_at_the_companys_last_instant() -> None:
    period = period_of(2030, datetime(2031, 3, 1, tzinfo=UTC), SHANGHAI)
    assert not period.so_far
    assert period.as_of == datetime(2030, 12, 31, 15, 59, 59, 999999, tzinfo=UTC)
    starts = month_starts(period, SHANGHAI)
    assert len(starts) == 12
    assert starts[5] == datetime(2030, 5, 31, 16, tzinfo=UTC)  # 1 June, 00:00 in Shanghai


def test_a_year_not_begun_on_the_companys_clocks_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        period_of(2031, datetime(2030, 12, 31, 15, 0, tzinfo=UTC), SHANGHAI)
    assert refused.value.code == "year_in_future"
