"""Periodic checks: the registry's own structs of an inventory (what a box holds by
security level, the request bodies of marking a box and resolving a discrepancy).
Inventories, condition checks and the requests that start or record them are
``services.common.contracts.inventory``."""

from __future__ import annotations

from services.common.contracts.fields import Note, Text
from services.common.contracts.inventory import ItemState
from services.common.contracts.registry import PaperLocation
from services.common.models import SecurityLevel, Struct


class Held(Struct):
    """What a box holds of one security level as its inventory starts: the documents
    and their households (files)."""

    documents: int
    households: list[str]


Holding = dict[SecurityLevel, Held]
"""What a box holds, by security level: each reader is shown the levels their clearance
covers (D1), so no row and no count tells them of a document above it."""


class ListedBox(Struct):
    """A box on a checklist as its inventory starts, in the checklist's order."""

    location: PaperLocation
    held: Holding


class ItemMark(Struct):
    state: ItemState
    note: Note | None = None
    """Required for ``misplaced``: where it was found."""


class ItemResolution(Struct):
    resolution: Text
    """What was done: found, put back, reported lost…"""
