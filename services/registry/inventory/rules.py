"""The rules of the periodic checks (O3), pure: the checklist of boxes, what a mark and a
resolution need.

A checklist item is a box (building / room / cabinet / box, D7) with the files and
documents the catalogue says it holds, of those its starter may know of, kept by security
level so that each reader sees only what their clearance covers (D1); the archivist finds
it present, missing, or misplaced (found elsewhere: the note says where). Missing and
misplaced boxes are discrepancies (帐物不符) that stay open until someone resolves them with
a note.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

import msgspec

from services.common.auth import Principal
from services.common.contracts.inventory import Inventory, InventoryItem, InventoryTally
from services.common.contracts.registry import PaperLocation
from services.common.errors import Conflict, Forbidden, ValidationFailed
from services.common.models import SecurityLevel
from services.common.names import written
from services.registry.catalogues.rules import Box, box_of, natural
from services.registry.inventory.models import Held, Holding, ItemMark, ListedBox

DISCREPANCIES = ("missing", "misplaced")
CHECK_INTERVAL_DAYS = 182
"""O3 asks for a condition check at least twice a year: a box is due half a year after
its last one."""


Placed = tuple[PaperLocation | None, str | None, SecurityLevel]
"""An active document's location (``None``: not recorded), household and security level."""


def checklist(placed: Iterable[Placed]) -> tuple[list[ListedBox], dict[SecurityLevel, int]]:
    """The boxes in order, each with what it holds by security level, from each active
    document's (location, household, security) the starter may know of; and the documents
    with no location, by level."""
    documents: dict[Box, Counter[SecurityLevel]] = defaultdict(Counter)
    households: dict[tuple[Box, SecurityLevel], set[str]] = defaultdict(set)
    unplaced: Counter[SecurityLevel] = Counter()
    for location, household, security in placed:
        if location is None:
            unplaced[security] += 1
            continue
        box = box_of(location)
        documents[box][security] += 1
        if household is not None:
            households[box, security].add(household)
    return [ListedBox(
        location=PaperLocation(building=box[0], room=box[1], cabinet=box[2], box=box[3]),
        held={level: Held(documents=count, households=sorted(households[box, level]))
              for level, count in documents[box].items()})
        for box in sorted(documents, key=natural)], dict(unplaced)


def within(held: Holding, levels: Collection[SecurityLevel]) -> Held:
    """What a box holds of the security levels a reader may know of (D1)."""
    seen = [found for level, found in held.items() if level in levels]
    return Held(documents=sum(found.documents for found in seen),
                households=sorted({code for found in seen for code in found.households}))


def as_seen(items: Iterable[tuple[InventoryItem, Holding]],
            levels: Collection[SecurityLevel]) -> list[InventoryItem]:
    """The checklist as a reader who may know of ``levels`` sees it: the boxes holding a
    document of those levels, numbered in order, each with those documents and their
    households; a box holding only documents above their clearance is not on it, and
    leaves no gap in the numbers. Someone cleared for the inventory's ``clearance`` sees
    it as stored."""
    seen: list[InventoryItem] = []
    for item, held in items:
        shown = within(held, levels)
        if shown.documents:
            seen.append(msgspec.structs.replace(
                item, item=len(seen) + 1, documents=shown.documents,
                households=shown.households))
    return seen


def tally_of(items: Iterable[InventoryItem]) -> InventoryTally:
    states = [item.state for item in items]
    return InventoryTally(boxes=len(states), checked=sum(s is not None for s in states),
                          missing=states.count("missing"), misplaced=states.count("misplaced"))


def workable(principal: Principal, inventory: Inventory) -> Inventory:
    """The inventory, if ``principal`` may mark, complete and resolve it: those cleared
    for its ``clearance`` (the starter's), who see all of it; else 403
    ``inventory_above_clearance``, whatever it holds, for one cleared less sees only part of the
    checklist and could neither complete it nor be told why."""
    if not principal.cleared_for(inventory.clearance):
        raise Forbidden(f"this inventory lists what someone cleared for "
                        f"{inventory.clearance} may know of; those cleared for it mark, "
                        "complete and resolve it", code="inventory_above_clearance",
                        extra={"clearance": inventory.clearance})
    return inventory


def checked_mark(mark: ItemMark) -> ItemMark:
    if mark.state == "misplaced" and not written(mark.note or ""):
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
