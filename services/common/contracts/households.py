"""The registry's households wire contract: a household's file (户档) and its occupants as
the registry answers them; one definition for the registry and the staff pages that
decode it (``services.common.clients.reader``)."""

from __future__ import annotations

from datetime import date, datetime

from services.common.errors import ValidationFailed
from services.common.models import Struct, checked_date


class Occupancy(Struct):
    """One occupant's part of the file (入住至退租)."""

    occupancy_id: int
    occupant: str
    moved_in: date
    moved_out: date | None


class Household(Struct):
    """A household's file (户档). ``label`` is the current occupant's name or company (D2),
    ``None`` while vacant; ``occupants`` is the history, oldest first."""

    household: str
    building: str
    floor: int
    unit: int
    label: str | None
    occupied: bool
    occupants: list[Occupancy]
    created_at: datetime
    updated_at: datetime


def checked_change_day(current: Occupancy | None, day: date, field: str) -> date:
    """``day``, if the occupants history may change on it: a move-out or a new occupant
    moving in closes the ``current`` occupant's part that day (D2, D3), which cannot be
    before they moved in (422 ``date_before_occupancy``), on a day a record may name
    (422 ``date_out_of_range``, ``checked_date``). The registry decides with it, the
    household page asks it before offering the change for confirmation."""
    checked_date(day, field)
    if current is not None and day < current.moved_in:
        raise ValidationFailed(f"{field} {day} is before the current occupant moved in "
                               f"({current.moved_in})", code="date_before_occupancy")
    return day
