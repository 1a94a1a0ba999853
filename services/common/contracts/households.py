"""The registry's households wire contract: a household's file (户档) and its occupants as
the registry answers them; one definition for the registry and the staff pages that
decode it (``services.common.clients.reader``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

from services.common.errors import ValidationFailed
from services.common.models import Struct, checked_past_day


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


ChangeDay = Literal["moved_in", "moved_out"]
"""The day a change of the occupants history happens on: a new occupant moves in (D2) or
the current one moves out (D3)."""


def checked_change_day(current: Occupancy | None, day: date, change: ChangeDay, *,
                       today: date) -> date:
    """``day``, if the occupants history may change on it: a move-out or a new occupant
    moving in closes the ``current`` occupant's part that day (D2, D3), which cannot be
    before they moved in (422 ``date_before_occupancy``), nor, for a new occupant, the day
    they moved in (422 ``same_day_as_move_in``: that day goes to the new occupant,
    ``occupancy_on``, so their part would hold no day at all); on a day that has come
    and a record may name (422 ``date_in_future``, ``date_out_of_range``,
    ``checked_past_day``). The registry decides with it, the household page asks it
    before offering the change for confirmation."""
    checked_past_day(day, change, today=today)
    if current is not None and day < current.moved_in:
        raise ValidationFailed(f"{change} {day} is before the current occupant moved in "
                               f"({current.moved_in})", code="date_before_occupancy")
    if current is not None and change == "moved_in" and day == current.moved_in:
        # Nobody can delete or rewrite a registered occupancy (the history is kept as
        # registered), so the message names what can be done, not a tool there is not.
        raise ValidationFailed(
            f"{current.occupant} moved in on {day} too: a new occupant that day would "
            "leave their part no day, so nothing was recorded. Check the date: if the new "
            "occupant moved in later, record that day, and the household's history shows "
            "both. The occupants history is kept as registered and no registration can be "
            f"undone in the system; if {current.occupant} was registered by mistake, report "
            "the facts to your Department Head to be kept on record",
            code="same_day_as_move_in")
    return day


def occupancy_on(occupants: Iterable[Occupancy], day: date) -> Occupancy | None:
    """The occupancy a document dated ``day`` belongs to: the latest that had begun and
    had not ended before it (on a change of occupant, the day goes to the new one);
    ``None`` if the unit was vacant then. The registry places documents by it
    (``registry.households.rules``); the household page says by it what a change will do."""
    return max((occupancy for occupancy in occupants if occupancy.moved_in <= day
                and (occupancy.moved_out is None or occupancy.moved_out >= day)),
               key=lambda occupancy: (occupancy.moved_in, occupancy.occupancy_id),
               default=None)
