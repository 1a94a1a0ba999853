"""D12: which corrections of a registered occupancy keep the occupants history one the
registry could have recorded (``corrected_occupancy``)."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.contracts.households import (
    Occupancy,
    OccupancyChanges,
    corrected_occupancy,
)
from services.common.errors import ValidationFailed

TODAY = date(2024, 6, 1)
HISTORY = [Occupancy(occupancy_id=1, occupant="张伟", moved_in=date(2020, 3, 1),
                     moved_out=date(2023, 5, 1)),
           Occupancy(occupancy_id=2, occupant="李娜", moved_in=date(2023, 5, 1),
                     moved_out=None)]


def _refusal(occupancy_id: int, changes: OccupancyChanges) -> str:
    with pytest.raises(ValidationFailed) as refused:
        corrected_occupancy(HISTORY, occupancy_id, changes, today=TODAY)
    return refused.value.code


def test_a_name_is_corrected_keeping_the_dates() -> None:
    assert corrected_occupancy(HISTORY, 1, OccupancyChanges(occupant="张玮"), today=TODAY) \
        == Occupancy(occupancy_id=1, occupant="张玮", moved_in=date(2020, 3, 1),
                     moved_out=date(2023, 5, 1))


def test_a_move_out_may_end_on_the_day_the_next_occupant_moves_in_or_before() -> None:
    earlier = corrected_occupancy(HISTORY, 1, OccupancyChanges(moved_out=date(2023, 3, 1)),
                                  today=TODAY)
    assert earlier.moved_out == date(2023, 3, 1)


def test_a_move_in_may_be_the_day_the_previous_occupant_moved_out_or_later() -> None:
    assert corrected_occupancy(HISTORY, 2, OccupancyChanges(moved_in=date(2023, 6, 1)),
                               today=TODAY).moved_in == date(2023, 6, 1)


def test_the_latest_move_out_may_be_undone() -> None:
    closed = [HISTORY[0]]
    assert corrected_occupancy(closed, 1, OccupancyChanges(moved_out=None),
                               today=TODAY).moved_out is None


@pytest.mark.parametrize(("occupancy_id", "changes", "code"), [
    (2, OccupancyChanges(moved_in=date(2024, 6, 2)), "date_in_future"),
    (1, OccupancyChanges(moved_out=date(2024, 6, 2)), "date_in_future"),
    (1, OccupancyChanges(moved_in=date(2023, 5, 2)), "moved_in_after_moved_out"),
    (2, OccupancyChanges(moved_in=date(2023, 4, 30)), "overlaps_previous"),
    (2, OccupancyChanges(moved_in=date(2020, 3, 1)), "overlaps_previous"),
    (1, OccupancyChanges(moved_out=date(2023, 5, 2)), "overlaps_next"),
    (1, OccupancyChanges(moved_out=None), "overlaps_next"),
    (2, OccupancyChanges(occupant="李娜", moved_out=None), "no_changes"),
])
def test_a_correction_that_breaks_the_history_is_refused(
        occupancy_id: int, changes: OccupancyChanges, code: str) -> None:
    assert _refusal(occupancy_id, changes) == code
