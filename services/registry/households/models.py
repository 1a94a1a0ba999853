"""Households: the API structs of a household's file and its occupants."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from services.common.models import HouseholdCode, Struct

Occupant = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class NewHousehold(Struct):
    """A new file; with an occupant, their occupancy opens on ``moved_in``."""

    household: HouseholdCode
    occupant: Occupant | None = None
    moved_in: date | None = None


class NewOccupant(Struct):
    """D2: a new occupant moves in; the current one (if any) moves out the same day."""

    occupant: Occupant
    moved_in: date


class MoveOut(Struct):
    moved_out: date


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
