"""Households: the registry's own structs of a household's file: the request bodies of a
new file, a move-in and a move-out. A household as answered is
``services.common.contracts.households``."""

from __future__ import annotations

from datetime import date

from services.common.contracts.fields import Name
from services.common.models import HouseholdCode, Struct

Occupant = Name
"""A person's or a company's name."""


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

