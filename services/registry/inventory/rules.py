"""The rules of the periodic checks (O3), pure: the checklist of boxes, what a mark and a
resolution need.

A checklist item is a box (building / room / cabinet / box, D7) with the files and
documents the catalogue says it holds; the archivist finds it present, missing, or
misplaced (found elsewhere: the note says where). Missing and misplaced boxes are
discrepancies (帐物不符) that stay open until someone resolves them with a note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from services.common.contracts.inventory import Inventory, InventoryItem, InventoryTally
from services.common.contracts.registry import PaperLocation
from services.common.errors import Conflict, ValidationFailed
from services.registry.catalogues.rules import Box, box_of, natural
from services.registry.inventory.models import ItemMark

DISCREPANCIES = ("missing", "misplaced")
CHECK_INTERVAL_DAYS = 182
"""O3 asks for a condition check at least twice a year: a box is due half a year after
its last one."""


def checklist(placed: Iterable[tuple[PaperLocation | None, str | None]]
              ) -> tuple[list[InventoryItem], int]:
    """The boxes in order with their households and document counts, from each active
    document's (location, household); and the documents with no location."""
    households: dict[Box, set[str]] = defaultdict(set)
    documents: dict[Box, int] = defaultdict(int)
    unplaced = 0
    for location, household in placed:
        if location is None:
            unplaced += 1
            continue
        box = box_of(location)
        documents[box] += 1
        if household is not None:
            households[box].add(household)
    items = [InventoryItem(
        item=number, location=PaperLocation(building=box[0], room=box[1], cabinet=box[2],
                                            box=box[3]),
        households=sorted(households[box]), documents=documents[box], state=None,
        note=None, checked_by=None, checked_at=None, resolution=None, resolved_by=None,
        resolved_at=None) for number, box in enumerate(sorted(documents, key=natural), 1)]
    return items, unplaced


def tally_of(items: Iterable[InventoryItem]) -> InventoryTally:
    states = [item.state for item in items]
    return InventoryTally(boxes=len(states), checked=sum(s is not None for s in states),
                          missing=states.count("missing"), misplaced=states.count("misplaced"))


def checked_mark(mark: ItemMark) -> ItemMark:
    if mark.state == "misplaced" and not (mark.note or "").strip():
        raise ValidationFailed("a misplaced box needs a note saying where it was found",
                               code="note_required")
    return mark


def open_item(inventory: Inventory, item: int) -> InventoryItem:
    """The item of an open inventory; 409 once the inventory is completed."""
    if inventory.status != "open":
        raise Conflict("the inventory is completed; its marks are kept as they were",
                       code="inventory_completed")
    return item_of(inventory, item)


def item_of(inventory: Inventory, item: int) -> InventoryItem:
    for found in inventory.items:
        if found.item == item:
            return found
    raise ValidationFailed(f"the inventory has no item {item} (1–{len(inventory.items)})",
                           code="unknown_item")


def checked_complete(inventory: Inventory) -> None:
    if inventory.status != "open":
        raise Conflict("the inventory is already completed", code="inventory_completed")
    unchecked = [item.item for item in inventory.items if item.state is None]
    if unchecked:
        raise Conflict(f"{len(unchecked)} box(es) not checked yet: items "
                       f"{', '.join(map(str, unchecked[:20]))}", code="items_unchecked")


def resolvable(item: InventoryItem) -> InventoryItem:
    if item.state not in DISCREPANCIES:
        raise Conflict("only a missing or misplaced box is resolved", code="not_a_discrepancy")
    if item.resolved_at is not None:
        raise Conflict("the discrepancy is already resolved", code="already_resolved")
    return item
