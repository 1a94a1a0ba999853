"""Households: tables and API structs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.common.models import HouseholdCode, Struct
from services.registry.schema import metadata

households = sa.Table(
    "households", metadata,
    sa.Column("household", sa.String(10), primary_key=True),
    sa.Column("building", sa.String(4), nullable=False),
    sa.Column("floor", sa.Integer, nullable=False),
    sa.Column("unit", sa.Integer, nullable=False),
    sa.Column("label", sa.String(200), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_households_building_floor", "building", "floor", "unit"),
)

occupancies = sa.Table(
    "occupancies", metadata,
    sa.Column("occupancy_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("household", sa.String(10), sa.ForeignKey("households.household"),
              nullable=False),
    sa.Column("occupant", sa.String(200), nullable=False),
    sa.Column("moved_in", sa.Date, nullable=False),
    sa.Column("moved_out", sa.Date, nullable=True),
    sa.Index("ix_occupancies_household", "household", "moved_in"),
)

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
