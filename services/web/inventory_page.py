"""The periodic check pages (O3): ``/ui/inventories`` (the inventories, this month's to
start, the open discrepancies), ``/ui/inventories/{id}`` (the checklist to mark in front
of the cabinets) and ``/ui/inventories/conditions`` (the boxes due for a condition check
against the seven protections, 七防, and the checks made).

Who may do what is ``services.common.inventory``, the list the registry's routes use; the
forms shown are a courtesy: the registry decides every move again, and its refusal is
shown by its code (``inventory_refusal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from itertools import groupby

from services.common.auth import Principal
from services.common.contracts.inventory import (
    PROTECTION_NAMES,
    PROTECTIONS,
    BoxDue,
    ConditionCheck,
    Inventory,
    InventoryItem,
    ProtectionCheck,
)
from services.common.contracts.registry import PaperLocation
from services.common.inventory import INVENTORY_READERS, INVENTORY_ROLES
from services.common.web import PAGES_PREFIX

INVENTORIES_URL = f"{PAGES_PREFIX}/inventories"
CONDITIONS_URL = f"{INVENTORIES_URL}/conditions"
MARKS = ("present", "missing", "misplaced")


def may_read(principal: Principal) -> bool:
    """Whether the inventory pages exist for ``principal`` (else: the not-found page)."""
    return principal.has_role(*INVENTORY_READERS)


def may_check(principal: Principal) -> bool:
    """Whether to offer the forms: start, mark, complete, resolve, record a check."""
    return principal.has_role(*INVENTORY_ROLES)


def may_mark(principal: Principal, inventory: Inventory) -> bool:
    """Whether to offer marking and completing ``inventory``: to those who take the
    checks and are cleared for its ``clearance`` (the starter's), who see all of it."""
    return may_check(principal) and principal.cleared_for(inventory.clearance)


def inventory_url(inventory_id: str) -> str:
    return f"{INVENTORIES_URL}/{inventory_id}"


@dataclass(frozen=True)
class Cabinet:
    """The boxes of one cabinet, in the checklist's order (what stands in front of the
    archivist at once)."""

    building: str
    room: str
    cabinet: str
    items: list[InventoryItem]


def cabinets(inventory: Inventory) -> list[Cabinet]:
    def key(item: InventoryItem) -> tuple[str, str, str]:
        return item.location.building, item.location.room, item.location.cabinet

    return [Cabinet(building=building, room=room, cabinet=cabinet, items=list(items))
            for (building, room, cabinet), items in groupby(inventory.items, key=key)]


def next_item(inventory: Inventory, item: int) -> int | None:
    """The item after ``item`` on the checklist not marked yet (else the next one)."""
    numbers = [found.item for found in inventory.items]
    later = [found for found in inventory.items if found.item > item]
    unmarked = [found.item for found in later if found.state is None]
    if unmarked:
        return unmarked[0]
    return later[0].item if later else (numbers[0] if numbers else None)


def this_month(inventories: list[Inventory], today: date, zone: tzinfo) -> list[Inventory]:
    """Inventories started in ``today``'s month on the clocks of ``zone``, the company's
    (the monthly one may already be under way)."""
    started = ((inventory, inventory.started_at.astimezone(zone)) for inventory in inventories)
    return [inventory for inventory, at in started
            if (at.year, at.month) == (today.year, today.month)]


@dataclass(frozen=True)
class ProtectionLine:
    name: str
    title: str
    state: str
    note: str | None


def protection_lines(check: ConditionCheck) -> list[ProtectionLine]:
    """The seven protections of a check, in the regulations' order."""
    lines = []
    for name in PROTECTIONS:
        found: ProtectionCheck = getattr(check.protections, name)
        lines.append(ProtectionLine(name=name, title=PROTECTION_NAMES[name],
                                    state=found.state, note=found.note))
    return lines


def chosen_box(due: list[BoxDue], building: str, room: str, cabinet: str, box: str
               ) -> PaperLocation | None:
    """The box the condition form is for: the one asked (``?building=&room=…``), else
    the first due."""
    if building and room and cabinet and box:
        return PaperLocation(building=building, room=room, cabinet=cabinet, box=box)
    return due[0].location if due else None
