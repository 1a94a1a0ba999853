"""The registry's periodic checks wire contract (O3): inventories (帐物相符) with their
checklist and tally, discrepancies (帐物不符), condition checks against the seven
protections (七防), and boxes due a check, as the registry answers them, and the requests
the staff pages send to start an inventory or record a check; one definition for the
registry and the staff pages that decode it (``services.common.clients.inventory``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from services.common.contracts.fields import Note
from services.common.contracts.registry import Label, PaperLocation
from services.common.models import SecurityLevel, Struct

InventoryStatus = Literal["open", "completed"]
INVENTORY_STATUS_NAMES: dict[InventoryStatus, str] = {"open": "进行中", "completed": "已完成"}
ItemState = Literal["present", "missing", "misplaced"]
"""Found in its place; not found; found elsewhere (the note says where)."""
BOX_STATE_NAMES: dict[ItemState, str] = {"present": "在位", "missing": "缺失", "misplaced": "错位"}
"""An inventory item's (a box's) state in words, on the checklist printed and on the pages alike."""
ProtectionState = Literal["ok", "problem"]
PROTECTION_NAMES = {"insects": "防虫", "mould": "防霉", "dust": "防尘", "fire": "防火",
                    "theft": "防盗", "damp": "防潮", "heat": "防高温"}
"""The seven protections (七防) by their fields of ``Protections``."""


class NewInventory(Struct):
    """An inventory of every box (or those of one ``building``) the catalogue records."""

    building: Label | None = None
    note: Note | None = None


class InventoryItem(Struct):
    """A box on the checklist: the files (households) and documents the catalogue says
    it holds; ``state`` ``None`` until checked."""

    item: int
    location: PaperLocation
    households: list[str]
    documents: int
    state: ItemState | None
    note: str | None
    checked_by: str | None
    checked_at: datetime | None
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None


class InventoryTally(Struct):
    """An inventory's progress: its boxes, those marked, and of them the discrepancies."""

    boxes: int
    checked: int
    missing: int
    misplaced: int


class Inventory(Struct):
    """As its reader may know of it (D1): the checklist is what its starter, cleared for
    ``clearance``, may know of, and a reader cleared less sees only the boxes holding
    documents within their own clearance (numbered as they see them), those documents
    and their households; those cleared for ``clearance`` mark, complete and resolve it.
    ``unplaced``: active documents with no location recorded (D7), which no box on the
    checklist can account for; ``tally``: its progress (also in a list, which leaves out
    the items)."""

    inventory_id: str
    status: InventoryStatus
    building: str | None
    note: str | None
    clearance: SecurityLevel
    unplaced: int
    started_by: str
    started_at: datetime
    completed_by: str | None
    completed_at: datetime | None
    tally: InventoryTally
    items: list[InventoryItem]


class Discrepancy(Struct):
    """A box found missing or misplaced (帐物不符), open until resolved."""

    inventory_id: str
    started_at: datetime
    item: InventoryItem


class ProtectionCheck(Struct):
    state: ProtectionState
    note: Note | None = None


class Protections(Struct):
    """The seven protections (七防) of the archive regulations."""

    insects: ProtectionCheck
    """防虫"""
    mould: ProtectionCheck
    """防霉"""
    dust: ProtectionCheck
    """防尘"""
    fire: ProtectionCheck
    """防火"""
    theft: ProtectionCheck
    """防盗"""
    damp: ProtectionCheck
    """防潮"""
    heat: ProtectionCheck
    """防高温"""


class NewConditionCheck(Struct):
    location: PaperLocation
    checked_on: date
    protections: Protections
    repaired: Note | None = None
    """What was repaired (修裱, 除虫…)."""
    copied: Note | None = None
    """What was copied because the original is failing (复制)."""
    note: Note | None = None


class ConditionCheck(Struct):
    check_id: str
    location: PaperLocation
    checked_on: date
    protections: Protections
    problems: int
    repaired: str | None
    copied: str | None
    note: str | None
    checked_by: str
    recorded_at: datetime


class BoxDue(Struct):
    """A box whose condition was last checked ``last_checked_on`` (``None``: never), too
    long ago for two checks a year."""

    location: PaperLocation
    last_checked_on: date | None

PROTECTIONS: tuple[str, ...] = tuple(Protections.__struct_fields__)
"""The seven protections' field names, in the regulations' order."""
