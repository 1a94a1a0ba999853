"""Periodic checks: the registry's own structs of an inventory's moves (the request
bodies of marking a box and resolving a discrepancy). Inventories, condition checks and
the requests that start or record them are ``services.common.contracts.inventory``."""

from __future__ import annotations

from services.common.contracts.fields import Note, Text
from services.common.contracts.inventory import ItemState
from services.common.models import Struct


class ItemMark(Struct):
    state: ItemState
    note: Note | None = None
    """Required for ``misplaced``: where it was found."""


class ItemResolution(Struct):
    resolution: Text
    """What was done: found, put back, reported lost…"""
