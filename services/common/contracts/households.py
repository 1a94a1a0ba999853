"""The registry's households wire contract: a household's file (户档) and its occupants as
the registry answers them; one definition for the registry and the staff pages that
decode it (``services.common.clients.reader``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

import msgspec

from services.common.contracts.fields import Name, StoredName
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
        # The history is never rewritten in place: a mistake in it is put right by a
        # correction a Department Head approves (D12), which the message names.
        raise ValidationFailed(
            f"{current.occupant} moved in on {day} too: a new occupant that day would "
            "leave their part no day, so nothing was recorded. Check the date: if the new "
            "occupant moved in later, record that day, and the household's history shows "
            f"both. If {current.occupant}'s occupancy was registered wrongly (another name "
            "or another day), ask for a correction of it (更正) on the household page; "
            "your Department Head approves it (D12)",
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


class OccupancyChanges(Struct):
    """D12: what a correction of a registered occupancy changes; a field left out is
    unchanged. ``occupant``: the name (or company name) as it should have been written;
    ``moved_out`` None: the move-out was registered by mistake and the part is current
    again (only for the latest occupancy). As stored with a pending correction, and as a
    form was shown it (``WrittenOccupancyChanges``: as a correction asks for them)."""

    occupant: StoredName | msgspec.UnsetType = msgspec.UNSET
    moved_in: date | msgspec.UnsetType = msgspec.UNSET
    moved_out: date | msgspec.UnsetType | None = msgspec.UNSET


class WrittenOccupancyChanges(OccupancyChanges):
    """The changes as a correction asks for them now: an occupant's name says something."""

    occupant: Name | msgspec.UnsetType = msgspec.UNSET


def corrected_occupancy(occupants: Iterable[Occupancy], occupancy_id: int,
                        changes: OccupancyChanges, *, today: date) -> Occupancy:
    """D12: the occupancy ``occupancy_id`` of the history ``occupants`` as ``changes``
    correct it, if the history stays one the registry could have recorded: days that have
    come (422 ``date_in_future``, ``checked_past_day``), a move-in no later than its own
    move-out (422 ``moved_in_after_moved_out``), after the previous occupant moved in and
    not before they moved out, and a move-out no later than the next occupant's move-in
    (422 ``overlaps_previous``, ``overlaps_next``: the change of occupant is one day,
    which goes to the new one, ``occupancy_on``); 422 ``no_changes`` if it changes
    nothing. The registry decides with it when the correction is asked for and again when
    it is approved (the neighbours may have changed meanwhile)."""
    history = sorted(occupants, key=lambda o: (o.moved_in, o.occupancy_id))
    at = next(i for i, o in enumerate(history) if o.occupancy_id == occupancy_id)
    current = history[at]
    wanted = {name: value for name, value in msgspec.structs.asdict(changes).items()
              if value is not msgspec.UNSET}
    corrected = msgspec.structs.replace(current, **wanted)
    if corrected == current:
        raise ValidationFailed("the correction changes nothing: the occupancy already reads "
                               "so", code="no_changes")
    checked_past_day(corrected.moved_in, "moved_in", today=today)
    if corrected.moved_out is not None:
        checked_past_day(corrected.moved_out, "moved_out", today=today)
        if corrected.moved_in > corrected.moved_out:
            raise ValidationFailed(
                f"moved_in {corrected.moved_in} is after moved_out {corrected.moved_out}: "
                "check both dates", code="moved_in_after_moved_out")
    previous = history[at - 1] if at > 0 else None
    if previous is not None and (corrected.moved_in <= previous.moved_in or (
            previous.moved_out is not None and corrected.moved_in < previous.moved_out)):
        raise ValidationFailed(
            f"moved_in {corrected.moved_in} overlaps {previous.occupant}, the occupant "
            f"before ({previous.moved_in} to {previous.moved_out}): correct their move-out "
            "first, or check the date", code="overlaps_previous")
    following = history[at + 1] if at + 1 < len(history) else None
    if following is not None and (corrected.moved_out is None
                                  or corrected.moved_out > following.moved_in):
        raise ValidationFailed(
            f"{following.occupant} moved in on {following.moved_in}, after this occupant: "
            f"the move-out must be that day or earlier; correct {following.occupant}'s "
            "move-in first, or check the date", code="overlaps_next")
    return corrected
