"""Households: the registry's own structs of a household's file: the request bodies of a
new file, a move-in and a move-out. A household as answered is
``services.common.contracts.households``."""

from __future__ import annotations

from datetime import date

from msgspec import UNSET, UnsetType

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
    """D2: a new occupant moves in; the current one (if any) moves out the same day.

    ``closes``: the occupancy the caller was shown as current, whose part this closes
    (``None``: the unit was shown vacant); given, the change is refused (409
    ``occupants_changed``) if another is current now, so two people recording at once
    cannot close a part neither was shown. Left out, whoever is current moves out."""

    occupant: Occupant
    moved_in: date
    closes: int | UnsetType | None = UNSET


class MoveOut(Struct):
    """D3: the current occupant moves out. ``closes``: the occupancy the caller was shown
    as current; given, refused (409 ``occupants_changed``) if another is current now."""

    moved_out: date
    closes: int | UnsetType = UNSET

