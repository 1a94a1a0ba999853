"""Periodic checks: the registry's own structs of an inventory's moves (the request
bodies of marking a box and resolving a discrepancy). Inventories, condition checks and
the requests that start or record them are ``services.common.contracts.inventory``."""

from __future__ import annotations

from typing import Annotated

import msgspec

from services.common.contracts.inventory import ItemState, Note
from services.common.models import Struct

Resolution = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ItemMark(Struct):
    state: ItemState
    note: Note | None = None
    """Required for ``misplaced``: where it was found."""


class ItemResolution(Struct):
    resolution: Resolution
    """What was done: found, put back, reported lost…"""
