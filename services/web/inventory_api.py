"""The periodic check pages' routes (O3). Every action is a POST form with its CSRF token,
answered by a redirect (post/redirect/get) to the page with what was done, or with the
registry's refusal code, which the page says in words with what to do next. A mark on
the checklist sent by the page's script (htmx) is answered by its row alone, saved or
refused, so each mark is saved the moment it is made. Someone whose roles do not read
the checks gets the same not-found page as for what does not exist."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import date
from typing import Annotated, Any, get_args

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from services.common.clients.reader import RegistryReader
from services.common.contracts.fields import MAX_NOTE
from services.common.contracts.inventory import (
    BOX_STATE_NAMES,
    INVENTORY_STATUS_NAMES,
    PROTECTION_NAMES,
    PROTECTIONS,
    Inventory,
    NewConditionCheck,
    NewInventory,
    ProtectionCheck,
    Protections,
    ProtectionState,
)
from services.common.contracts.registry import LOCATION_PARTS, MAX_LABEL, PaperLocation
from services.common.errors import ArchiveError, NotFound
from services.common.names import tidied_building, written
from services.common.web import attachment, name_part
from services.web.failures import (
    answered,
    hidden_if_refused,
    page_token,
    refusal_code,
    see,
)
from services.web.forms import FORM, PageForm, text
from services.web.inventory_page import (
    CONDITIONS_URL,
    INVENTORIES_URL,
    MARKS,
    cabinets,
    chosen_box,
    inventory_url,
    may_check,
    may_mark,
    may_read,
    next_item,
    protection_lines,
    this_month,
)
from services.web.page import Page
from services.web.session import Reader

HX_MARKED = "inventoryMarked"
"""The event a saved mark triggers, on which the page reloads its progress."""
PROTECTION_STATES: dict[str, ProtectionState] = {state: state for state in
                                                 get_args(ProtectionState)}
"""The condition form's states, as the registry takes them."""


class StartForm(PageForm):
    building: str = ""
    note: str = ""


class MarkForm(PageForm):
    state: str = ""
    note: str = ""


class ResolveForm(PageForm):
    resolution: str = ""


CONDITION_FIELDS = (*LOCATION_PARTS, "checked_on",
                    *(f"{name}_{part}" for name in PROTECTIONS for part in ("state", "note")),
                    "repaired", "copied", "note")
"""The condition form's fields, as typed."""


async def _conditions_page(page: Page, registry: RegistryReader, today: date, *,
                           asked: tuple[str, ...] = ("", "", "", ""),
                           typed: dict[str, str] | None = None, refused: str = "",
                           invalid: str | None = None, status_code: int = 200
                           ) -> Response[str]:
    """The conditions page; its form for the box ``asked`` (else the first due), or as
    ``typed`` when refused (``refused``, the field to put right ``invalid``)."""
    token = page_token(page.reader, may_read)
    due, checks = await asyncio.gather(hidden_if_refused(registry.boxes_due(token)),
                                       hidden_if_refused(registry.condition_checks(token)))
    if typed is None:
        chosen = chosen_box(due, *asked)
        place = msgspec.structs.asdict(chosen) if chosen else {}
        typed = {name: str(place.get(name, "")) for name in LOCATION_PARTS} | {
            "checked_on": today.isoformat()}
    shown = {"refused": refused, "done": ""} if refused else {}
    return page.render("conditions.html", status_code=status_code, due=due, typed=typed,
                       invalid=invalid,
                       checks=[(check, protection_lines(check)) for check in checks],
                       protection_names=PROTECTION_NAMES, can=may_check(page.reader.principal),
                       **shown)


class InventoryPages(Controller):
    path = "/inventories"

    @get("/", operation_id="inventoriesPage")
    async def inventories(self, page: NamedDependency[Page],
                          registry: NamedDependency[RegistryReader], today: NamedDependency[date]
                          ) -> Response[str]:
        """The inventories with their progress, the form to start this month's, and the
        discrepancies still open across inventories."""
        token = page_token(page.reader, may_read)
        listed, open_discrepancies = await asyncio.gather(
            hidden_if_refused(registry.inventories(token)),
            hidden_if_refused(registry.discrepancies(token)))
        return page.render("inventories.html", inventories=listed,
                           started_this_month=this_month(listed, today, page.pages.zone),
                           discrepancies=open_discrepancies, status_names=INVENTORY_STATUS_NAMES,
                           state_names=BOX_STATE_NAMES, can=may_check(page.reader.principal))

    @post("/", operation_id="startInventoryForm")
    async def start(self, reader: NamedDependency[Reader],
                    registry: NamedDependency[RegistryReader],
                    data: Annotated[StartForm, FORM]) -> Redirect:
        token = page_token(reader, may_read)
        building = tidied_building(data.building) if written(data.building) else None
        try:
            started = await registry.start_inventory(token, NewInventory(
                building=building, note=written(data.note)[:MAX_NOTE] or None))
        except ArchiveError as exc:
            twin = exc.extra.get("inventory_id")
            if refusal_code(exc) == "inventory_exists" and isinstance(twin, str):
                # The form sent twice: the first's checklist, said so, not a refusal.
                return see(inventory_url(twin), done="already_started")
            return see(INVENTORIES_URL, refused=refusal_code(exc))
        return see(inventory_url(started.inventory_id), done="started")

    @post("/{inventory_id:str}/items/{item:int}/resolve", operation_id="resolveDiscrepancyForm")
    async def resolve(self, inventory_id: FromPath[str], item: FromPath[int],
                      reader: NamedDependency[Reader],
                      registry: NamedDependency[RegistryReader],
                      data: Annotated[ResolveForm, FORM]) -> Redirect:
        """A discrepancy resolved with what was done (found, put back, reported lost…)."""
        token = page_token(reader, may_read)
        resolution = written(data.resolution)[:MAX_NOTE]
        if not resolution:
            return see(INVENTORIES_URL, refused="resolution_required")
        return await answered(registry.resolve_discrepancy(token, inventory_id, item,
                                                           resolution),
                              INVENTORIES_URL, done="resolved")

    @get("/conditions", operation_id="conditionChecksPage")
    async def conditions(self, page: NamedDependency[Page],
                         registry: NamedDependency[RegistryReader], today: NamedDependency[date],
                         building: FromQuery[str] = "", room: FromQuery[str] = "",
                         cabinet: FromQuery[str] = "", box: FromQuery[str] = ""
                         ) -> Response[str]:
        """The boxes due for a condition check (O3: twice a year), the form for one of
        them (``?building=&room=&cabinet=&box=``; else the first due), and the checks
        made."""
        return await _conditions_page(page, registry, today, asked=tuple(
            value.strip()[:MAX_LABEL] for value in (building, room, cabinet, box)))

    @post("/conditions", operation_id="recordConditionCheckForm")
    async def record(self, request: Request[Any, Any, Any], page: NamedDependency[Page],
                     registry: NamedDependency[RegistryReader], today: NamedDependency[date]
                     ) -> Response[Any]:
        """A box's condition against each of the seven protections: ok, or a finding
        (its note says what was found); what was repaired or copied. Refused, the form
        comes back as typed (422), the field to put right marked and the reason beside
        it: a finding sent again as "ok" would be lost."""
        token = page_token(page.reader, may_read)
        form = await request.form()
        typed = {name: text(form, name, limit=MAX_LABEL if name in LOCATION_PARTS
                            else 10 if name == "checked_on" else MAX_NOTE)
                 for name in CONDITION_FIELDS}

        def refused(code: str, field: str | None = None) -> Awaitable[Response[str]]:
            return _conditions_page(page, registry, today, typed=typed, refused=code,
                                    invalid=field, status_code=422)

        missing = next((name for name in LOCATION_PARTS if not typed[name]), None)
        if missing:
            return await refused("location_required", missing)
        try:
            checked_on = date.fromisoformat(typed["checked_on"])
        except ValueError:
            return await refused("date_required", "checked_on")
        protections = {}
        for name in PROTECTIONS:
            state, note = PROTECTION_STATES.get(typed[f"{name}_state"]), typed[f"{name}_note"]
            if state is None:
                return await refused("protections_required", f"{name}_state")
            if state == "problem" and not note:
                return await refused("finding_required", f"{name}_note")
            protections[name] = ProtectionCheck(state=state, note=note or None)
        try:
            await registry.record_condition_check(token, NewConditionCheck(
                location=PaperLocation(**{name: typed[name] for name in LOCATION_PARTS}),
                checked_on=checked_on, protections=Protections(**protections),
                repaired=typed["repaired"] or None, copied=typed["copied"] or None,
                note=typed["note"] or None))
        except ArchiveError as exc:
            code = refusal_code(exc)
            if code == "already_recorded":
                # The form sent twice: the first is in the history; say so, not a refusal.
                return see(CONDITIONS_URL, done=code)
            return await refused(code, "checked_on" if code.startswith("date_") else None)
        return see(CONDITIONS_URL, done="recorded")

    @get("/{inventory_id:str}", operation_id="inventoryPage")
    async def inventory(self, inventory_id: FromPath[str], page: NamedDependency[Page],
                        registry: NamedDependency[RegistryReader]) -> Response[str]:
        """The checklist by cabinet, each box to mark present, missing or misplaced."""
        token = page_token(page.reader, may_read)
        record: Inventory = await hidden_if_refused(registry.inventory(token, inventory_id))
        return page.render("inventory.html", inventory=record,
                           cabinets=cabinets(record), **_checklist_values(page.reader, record))

    @get("/{inventory_id:str}/progress", operation_id="inventoryProgress")
    async def progress(self, inventory_id: FromPath[str], page: NamedDependency[Page],
                       registry: NamedDependency[RegistryReader]) -> Response[str]:
        """The progress and the completion form, reloaded after each mark saved."""
        token = page_token(page.reader, may_read)
        record = await hidden_if_refused(registry.inventory(token, inventory_id))
        return page.render("_inventory_progress.html", inventory=record,
                           **_checklist_values(page.reader, record))

    @get("/{inventory_id:str}/checklist.pdf", operation_id="inventoryChecklistPdf")
    async def checklist_pdf(self, inventory_id: FromPath[str],
                            reader: NamedDependency[Reader],
                            registry: NamedDependency[RegistryReader]) -> Response[bytes]:
        """The checklist to print (the cookie is not a bearer token)."""
        token = page_token(reader, may_read)
        content = await hidden_if_refused(registry.checklist_pdf(token, inventory_id))
        return attachment(content, f"inventory-{name_part(inventory_id)}", "pdf")

    @post("/{inventory_id:str}/items/{item:int}", operation_id="markItemForm")
    async def mark(self, inventory_id: FromPath[str], item: FromPath[int],
                   page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                   data: Annotated[MarkForm, FORM]) -> Response[Any]:
        """One box marked, saved at once: the page's script gets the row back (saved, or
        why not) and moves on to the next box; without the script, the page again at
        the next box."""
        token = page_token(page.reader, may_read)
        note = written(data.note)[:MAX_NOTE] or None
        refused = ""
        record: Inventory | None = None
        if data.state not in MARKS:
            refused = "mark_required"
        elif data.state == "misplaced" and not note:
            refused = "note_required"
        else:
            try:
                record = await registry.mark_item(token, inventory_id, item, data.state, note)
            except ArchiveError as exc:
                refused = refusal_code(exc)
        if page.request.headers.get("hx-request") != "true":
            if refused:
                return see(inventory_url(inventory_id), refused=refused)
            assert record is not None
            following = next_item(record, item)
            # Without script, on to the next box (the checklist's pace), not to the notice.
            return see(inventory_url(inventory_id),
                        f"#item-{following}" if following else "#progress", done="marked")
        if record is None:
            record = await hidden_if_refused(registry.inventory(token, inventory_id))
        row = next((found for found in record.items if found.item == item), None)
        if row is None:
            raise NotFound("no such box on the checklist", code="not_found")
        response = page.render("_inventory_row.html", inventory=record, entry=row,
                               following=next_item(record, item), refused=refused,
                               just_saved=not refused,
                               **_checklist_values(page.reader, record))
        if not refused:
            response.headers["HX-Trigger"] = HX_MARKED
        return response

    @post("/{inventory_id:str}/complete", operation_id="completeInventoryForm")
    async def complete(self, inventory_id: FromPath[str], reader: NamedDependency[Reader],
                       registry: NamedDependency[RegistryReader],
                       data: Annotated[PageForm, FORM]) -> Redirect:
        token = page_token(reader, may_read)
        return await answered(registry.complete_inventory(token, inventory_id),
                              inventory_url(inventory_id), done="completed")


def _checklist_values(reader: Reader, inventory: Inventory) -> dict[str, Any]:
    """``can``: the marking and completing forms offered; ``cleared``: the reader sees
    all of the checklist (else a hint says it lists only the boxes they may know of)."""
    return {"can": may_mark(reader.principal, inventory),
            "cleared": reader.principal.cleared_for(inventory.clearance), "marks": MARKS,
            "state_names": BOX_STATE_NAMES, "status_names": INVENTORY_STATUS_NAMES,
            "marked_event": HX_MARKED}
