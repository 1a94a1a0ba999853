"""The registry's households wire contract: a household's file (户档) and its occupants as
the registry answers them; one definition for the registry and the staff pages that
decode it (``services.common.clients.reader``)."""

from __future__ import annotations

from datetime import date, datetime

from services.common.models import Struct


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
