"""The periodic checks (O3) as the staff pages read the registry's answers: inventories
and their checklist, discrepancies, condition checks against the seven protections.
Like the other views they do not forbid unknown fields, so the registry may add fields
without breaking the pages."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from services.common.contracts.registry import PaperLocation

PROTECTIONS = ("insects", "mould", "dust", "fire", "theft", "damp", "heat")
"""The seven protections (七防), in the regulations' order; the registry's field names."""


class InventoryItemView(msgspec.Struct, kw_only=True):
    """A box on the checklist; ``state`` ``None`` until checked."""

    item: int
    location: PaperLocation
    households: list[str]
    documents: int
    state: str | None
    note: str | None = None
    checked_by: str | None = None
    checked_at: datetime | None = None
    resolution: str | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None


class InventoryTallyView(msgspec.Struct, kw_only=True):
    """Its boxes, those marked, and of them the discrepancies."""

    boxes: int
    checked: int
    missing: int
    misplaced: int


class InventoryView(msgspec.Struct, kw_only=True):
    """``items`` is empty in a list of inventories; ``tally`` is always there."""

    inventory_id: str
    status: str
    building: str | None
    note: str | None
    unplaced: int
    started_by: str
    started_at: datetime
    completed_by: str | None = None
    completed_at: datetime | None = None
    tally: InventoryTallyView
    items: list[InventoryItemView] = msgspec.field(default_factory=list)


class NewInventoryView(msgspec.Struct, kw_only=True, omit_defaults=True):
    building: str | None = None
    note: str | None = None


class DiscrepancyView(msgspec.Struct, kw_only=True):
    """A box found missing or misplaced (帐物不符), open until resolved."""

    inventory_id: str
    started_at: datetime
    item: InventoryItemView


class ProtectionCheckView(msgspec.Struct, kw_only=True, omit_defaults=True):
    state: str
    note: str | None = None


class ConditionCheckView(msgspec.Struct, kw_only=True):
    check_id: str
    location: PaperLocation
    checked_on: date
    protections: dict[str, ProtectionCheckView]
    problems: int
    repaired: str | None = None
    copied: str | None = None
    note: str | None = None
    checked_by: str
    recorded_at: datetime


class NewConditionCheckView(msgspec.Struct, kw_only=True, omit_defaults=True):
    location: PaperLocation
    checked_on: date
    protections: dict[str, ProtectionCheckView]
    repaired: str | None = None
    copied: str | None = None
    note: str | None = None


class BoxDueView(msgspec.Struct, kw_only=True):
    """A box not checked in the last half year (``None``: never checked)."""

    location: PaperLocation
    last_checked_on: date | None
