"""The household page (``/ui/households/{household}``): the file (一户一档) as the
cabinet keeps it. The label is the current occupant (D2); the current part of the file
first, documents newest first (D4) grouped by category, each with where its paper
original is kept (D7); then the documents of no occupant's part (filed before the first
occupant or while the unit stood vacant, 无住户期间); each closed occupant's part apart
(D3), newest move-out first. A document is in the part the registry placed it in (its
``occupancy_id``), and only the documents still held in the file (``in_file``) are in its
parts and counts, so the page, the occupants' counts and the printed item list (卷内目录)
agree; those that left it, destroyed or transferred out, are listed apart
(``services.web.left_file``).

A file of hundreds of documents is shown a page at a time (``LIST_PAGE`` rows), with its
counts per category and per part; the category and the part to show (``?category=``,
``?part=``) and the page (``?page=``) are in the address, and every link keeps them.

An archivist records the occupants history here (D2, D3): a new occupant, a move-out.
What a form lacks is found here first (``occupant_problem``, ``move_out_problem``); a
change that closes an occupant's part is confirmed first (``Confirmation``), since it
starts the retention clock of that part (R1); what was done is said from the file as it
now stands (``Outcome``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import msgspec

from services.common.auth import Principal
from services.common.contracts.households import (
    ChangeDay,
    Household,
    Occupancy,
    checked_change_day,
    occupancy_on,
)
from services.common.contracts.registry import Departure, DocumentRecord, PaperLocation, in_file
from services.common.contracts.retention import Hold
from services.common.errors import ValidationFailed
from services.common.filing import FILERS
from services.common.models import (
    CATEGORIES,
    CATEGORY_NAMES,
    HOUSEHOLD_RE,
    SECURITY_LEVEL_NAMES,
)
from services.common.names import day_named
from services.common.operations import CATALOGUE_READERS, HANDOVER_CREATORS, OCCUPANT_RECORDERS
from services.common.paging import LIST_PAGE
from services.web.left_file import NOTHING_LEFT, LeftFile, left_file
from services.web.links import INGEST_PATH, address, document_url, household_url
from services.web.pager import Pager, asked_page, page_count, pager, rows_before

CURRENT_PART = "current"
"""``?part=`` of the current part of the file; a closed part is its occupancy's id."""
VACANCY_PART = "vacancy"
"""``?part=`` of the documents of no occupant's part (无住户期间)."""

Change = Literal["occupant", "move_out"]
Done = Literal["occupant", "move_out", "correction"]
"""What an ``Outcome`` says was done: a change, or a correction asked for (D12)."""
PartKind = Literal["current", "vacancy", "closed"]


@dataclass(frozen=True)
class FileView:
    """What the page shows of the file: a category, a part (each "" for all), a page."""

    household: str
    category: str = ""
    part: str = ""
    page: int = 1

    def url(self, **changes: str | int) -> str:
        """This view with ``changes``; a changed filter starts again at page 1."""
        values: dict[str, str | int] = {"category": self.category, "part": self.part,
                                        "page": 1}
        values.update(changes)
        return address(household_url(self.household),
                       {name: value for name, value in values.items()
                        if value and not (name == "page" and value == 1)})


def file_view(household: str, *, category: str, part: str, page: int | None) -> FileView:
    """The view the address asks for; an unknown category or a page below 1 is ignored."""
    return FileView(household=household,
                    category=category if category in CATEGORIES else "",
                    part=part[:20], page=asked_page(page))


@dataclass(frozen=True)
class FileEntry:
    url: str
    title: str
    archive_no: str
    filed_at: date
    security: str
    """The level's name when not ordinary (D9), else empty."""
    location: PaperLocation | None
    """Where the paper original is (D7), said by the pages' ``box_place``."""
    is_copy: bool


@dataclass(frozen=True)
class CategoryGroup:
    name: str
    documents: int
    """The group's documents on every page."""
    entries: list[FileEntry]
    """Those on this page."""
    continued: bool
    """The group began on an earlier page."""


@dataclass(frozen=True)
class FilePart:
    """A part of the file (D3): the current occupant's, the documents of no occupant's
    (无住户期间), or a closed occupant's (``occupancy``)."""

    kind: PartKind
    key: str
    """Its ``?part=``."""
    occupancy: Occupancy | None
    """The closed part's occupancy, else None."""
    vacant: bool
    """The current part of a unit nobody lives in now: it holds nothing."""
    documents: int
    """The part's documents shown on every page (of the category asked for)."""
    url: str
    """The page showing only this part, when the file has others and all are shown."""
    groups: list[CategoryGroup]


@dataclass(frozen=True)
class CategoryLink:
    name: str
    """"" for every category."""
    documents: int
    url: str
    active: bool


@dataclass(frozen=True)
class OccupantLine:
    occupancy: Occupancy
    documents: int
    """The documents in this occupant's part (D3)."""
    correction_pending: bool = False
    """A correction of it waits for a Department Head (D12): none is offered again."""


@dataclass(frozen=True)
class Confirmation:
    """A change of the occupants history that closes the current occupant's part, said
    before it is made: the part's documents will be retained from that day (R1)."""

    change: Change
    day: date
    occupant: str
    """The new occupant's name (a new occupant), else ""."""
    closing: Occupancy
    documents: int
    """The documents now in the part that closes."""
    kept_until: date
    """The last filing day the closing part keeps: its documents filed until then start
    their retention on ``day``; those filed later go to the new occupant, or to no
    occupant's part after a move-out."""
    kept: int = 0
    """Of ``documents``, those filed by ``kept_until``: the part keeps them."""


@dataclass(frozen=True)
class Outcome:
    """What the last change of the occupants history did, as the file now shows it."""

    change: Done
    occupancy: Occupancy
    """The part that closed (a move-out) or the one that opened (a new occupant); the
    one a correction was asked of."""
    documents: int
    """The documents in that part."""
    closed: Occupancy | None = None
    """A new occupant: the part that closed the day they moved in."""
    closed_documents: int = 0


@dataclass(frozen=True)
class HoldOnFile:
    """A legal hold covering the file or some of its documents, and by what: the
    household, a category (``category``: its name), else documents it names."""

    hold: Hold
    scope: Literal["household", "category", "documents"]
    category: str = ""


@dataclass(frozen=True)
class HouseholdPage:
    household: Household
    occupants: list[OccupantLine]
    """Newest first."""
    current_occupant: Occupancy | None
    parts: list[FilePart]
    """The parts with documents on this page: the current first, then the documents of
    no occupant's part, then the closed ones, newest move-out first."""
    documents: int
    """Every document still in the file that the reader may know exists."""
    shown: int
    """Those the view shows, on every page."""
    categories: list[CategoryLink]
    view: FileView
    only: PartKind | None
    """The part the view shows alone, else None."""
    part_name: str
    """The closed occupant whose part alone the view shows, else ""."""
    pager: Pager
    page_size: int
    may_hand_over: bool
    """The page offers to hand the household's documents over (O1)."""
    may_print: bool
    """The page offers the household's item list (卷内目录, D3) to print."""
    may_change_occupants: bool
    """The page offers the forms for a new occupant and a move-out (D2, D3), and a
    correction of each occupancy (D12)."""
    upload_url: str = ""
    """The digitising page with this household filled in, for a reader who files
    documents (the page's facts link to it, and an empty current part tells them to file
    this household's documents there); "" for anyone else."""
    outcome: Outcome | None = None
    confirmation: Confirmation | None = None
    problem: str = ""
    """Why the last form was refused (its code); ``values`` are what was typed."""
    problem_field: str = ""
    """The id of the field to correct."""
    values: dict[str, str] = field(default_factory=dict)
    left: LeftFile = NOTHING_LEFT
    """The documents that left the file (destroyed, transferred out), on its first page."""
    holds: list[HoldOnFile] = field(default_factory=list)
    """The active legal holds on the file (R7, ``holds_on_file``), to who reads retention."""


def _entry(record: DocumentRecord) -> FileEntry:
    return FileEntry(url=document_url(record.document_id),
                     title=record.title, archive_no=record.archive_no,
                     filed_at=record.filed_at,
                     security="" if record.security == "ordinary"
                     else SECURITY_LEVEL_NAMES[record.security],
                     location=record.location, is_copy=record.is_copy)


def _by_category(records: list[DocumentRecord]) -> list[list[DocumentRecord]]:
    """By category, the group holding the newest document first; newest first inside
    each group (D4). ``records`` come newest first."""
    groups: dict[str, list[DocumentRecord]] = {}
    for record in records:
        groups.setdefault(record.category, []).append(record)
    return list(groups.values())


def closed_parts(household: Household) -> list[Occupancy]:
    """The closed occupants' parts, newest move-out first (D3)."""
    return sorted((o for o in household.occupants if o.moved_out is not None),
                  key=lambda o: (o.moved_out, o.occupancy_id), reverse=True)


@dataclass(frozen=True)
class _Part:
    kind: PartKind
    key: str
    occupancy: Occupancy | None
    records: list[DocumentRecord]


def _parts(household: Household, records: list[DocumentRecord]) -> list[_Part]:
    """Each part of the file in the page's order, as the registry placed each record
    (D3, its ``occupancy_id``) and as the printed item list orders them: the current
    part, then the documents of no occupant's part when there are any, then the closed
    parts."""
    closed = closed_parts(household)
    closed_ids = {occupancy.occupancy_id for occupancy in closed}
    current = [r for r in records
               if r.occupancy_id is not None and r.occupancy_id not in closed_ids]
    vacancy = [r for r in records if r.occupancy_id is None]
    return [_Part("current", CURRENT_PART, None, current),
            *([_Part("vacancy", VACANCY_PART, None, vacancy)] if vacancy else []),
            *(_Part("closed", str(occupancy.occupancy_id), occupancy,
                    [r for r in records if r.occupancy_id == occupancy.occupancy_id])
              for occupancy in closed)]


def _paged_parts(view: FileView, parts: list[_Part], first: int, *, vacant: bool,
                 offer_parts: bool) -> list[FilePart]:
    """The parts with rows from row ``first`` on, for one page; the current part is
    shown on the first page even when empty, to say so (``vacant``: nobody lives there
    now). ``offer_parts``: each links to the page of it alone."""
    shown: list[FilePart] = []
    row = 0
    for part in parts:
        records = part.records
        groups = []
        for group in _by_category(records):
            on_page = [record for index, record in enumerate(group, start=row)
                       if first <= index < first + LIST_PAGE]
            if on_page:
                groups.append(CategoryGroup(
                    name=CATEGORY_NAMES[group[0].category], documents=len(group),
                    entries=[_entry(record) for record in on_page], continued=row < first))
            row += len(group)
        if groups or (part.kind == "current" and view.page == 1 and not records):
            shown.append(FilePart(
                kind=part.kind, key=part.key, occupancy=part.occupancy,
                vacant=vacant and part.kind == "current", documents=len(records),
                url=view.url(part=part.key) if offer_parts and records else "",
                groups=groups))
    return shown


def _category_links(view: FileView, records: list[DocumentRecord]) -> list[CategoryLink]:
    counts = Counter(record.category for record in records)
    return [CategoryLink(name="", documents=len(records), url=view.url(category=""),
                         active=not view.category),
            *(CategoryLink(name=CATEGORY_NAMES[code], documents=counts[code],
                           url=view.url(category=code), active=view.category == code)
              for code in CATEGORIES if counts[code])]


def may_change_occupants(principal: Principal) -> bool:
    """Who records a new occupant or a move-out (the registry's rule, D2, D3)."""
    return principal.has_role(*OCCUPANT_RECORDERS)


def household_page(principal: Principal, household: Household, records: list[DocumentRecord],
                   view: FileView | None = None, *, departures: list[Departure] | None = None,
                   outcome: Outcome | None = None, confirmation: Confirmation | None = None,
                   problem: str = "", problem_field: str = "",
                   values: dict[str, str] | None = None,
                   pending: frozenset[int] = frozenset(),
                   holds: list[Hold] | None = None) -> HouseholdPage:
    """The page of ``household`` whose records are ``records`` (newest first, those that
    left the file too, told apart by ``departures``), as ``view`` asks: a part, a
    category, a page past the last shows the last; ``pending``, the occupancies with a
    correction waiting for approval (D12)."""
    view = view or FileView(household=household.household)
    held = [record for record in records if in_file(record)]
    parts = _parts(household, held)
    chosen = [part for part in parts if part.key == view.part] or parts
    if len(chosen) == len(parts):
        view = FileView(household=view.household, category=view.category, page=view.page)
    in_part = [record for part in chosen for record in part.records]
    categories = _category_links(view, in_part)
    shown_parts = [_Part(part.kind, part.key, part.occupancy,
                         [r for r in part.records
                          if not view.category or r.category == view.category])
                   for part in chosen]
    shown = sum(len(part.records) for part in shown_parts)
    last = page_count(shown, LIST_PAGE)
    if view.page > last:
        view = FileView(household=view.household, category=view.category, part=view.part,
                        page=last)
    counts = Counter(record.occupancy_id for record in held)
    current = current_occupancy(household)
    return HouseholdPage(
        household=household,
        occupants=[OccupantLine(occupancy, counts[occupancy.occupancy_id],
                                correction_pending=occupancy.occupancy_id in pending)
                   for occupancy in reversed(household.occupants)],
        current_occupant=current,
        parts=_paged_parts(view, shown_parts, rows_before(view.page),
                           vacant=current is None,
                           offer_parts=not view.part and len(parts) > 1),
        documents=len(held), shown=shown, categories=categories, view=view,
        only=chosen[0].kind if view.part else None,
        part_name=chosen[0].occupancy.occupant
        if view.part and chosen[0].occupancy is not None else "",
        pager=pager(view.page, last, lambda number: view.url(page=number)), page_size=LIST_PAGE,
        may_hand_over=principal.has_role(*HANDOVER_CREATORS),
        may_print=principal.has_role(*CATALOGUE_READERS),
        may_change_occupants=may_change_occupants(principal),
        upload_url=address(INGEST_PATH, {"household": household.household})
        if principal.has_role(*FILERS) else "",
        outcome=outcome, confirmation=confirmation, problem=problem,
        problem_field=problem_field, values=values or {},
        left=left_file(principal, records, departures or []) if view.page == 1 else NOTHING_LEFT,
        holds=holds_on_file(holds or []))


def holds_on_file(holds: list[Hold]) -> list[HoldOnFile]:
    """R7: the active holds bearing on the household's file, as the registry answers them
    (``GET /registry/holds?household=``: on the household, on a category it holds
    documents of, or naming documents of it), each said by what it holds. Said on its
    page, so that whoever works on the file knows before a move-out, a handover or a
    correction that those documents are kept whatever their schedule, and their household
    and category not corrected."""
    return [_on_file(hold) for hold in holds]


def _on_file(hold: Hold) -> HoldOnFile:
    if hold.household is not None:
        return HoldOnFile(hold, "household")
    if hold.category is not None:
        return HoldOnFile(hold, "category", CATEGORY_NAMES[hold.category])
    return HoldOnFile(hold, "documents")


def outcome(household: Household, records: list[DocumentRecord], done: str,
            occupancy_id: str) -> Outcome | None:
    """What ``done`` (``moved_out``, ``occupant_added``, ``correction_asked``) did to
    occupancy ``occupancy_id``, said from the file as it now stands (the documents still
    in it); None for anything else."""
    found = {str(o.occupancy_id): o for o in household.occupants}
    occupancy = found.get(occupancy_id)
    if occupancy is None or done not in ("moved_out", "occupant_added", "correction_asked"):
        return None
    counts = Counter(record.occupancy_id for record in records if in_file(record))
    if done == "correction_asked":
        return Outcome(change="correction", occupancy=occupancy,
                       documents=counts[occupancy.occupancy_id])
    if done == "moved_out":
        return Outcome(change="move_out", occupancy=occupancy,
                       documents=counts[occupancy.occupancy_id])
    closed = next((o for o in household.occupants if o.moved_out == occupancy.moved_in
                   and o.occupancy_id != occupancy.occupancy_id), None)
    return Outcome(change="occupant", occupancy=occupancy,
                   documents=counts[occupancy.occupancy_id], closed=closed,
                   closed_documents=counts[closed.occupancy_id] if closed else 0)


def typed_day(text: str) -> date | None:
    """The day typed (2021-06-30, 2021/6/30, 2021年6月30日), or None."""
    try:
        return date.fromisoformat(day_named(text))
    except ValueError:
        return None


def text_problem(value: str, name: str, *, longest: int) -> str:
    """What is wrong with field ``name``, which must be filled (``{name}_required``) with
    at most ``longest`` characters (``too_long``); "" when nothing."""
    if not value:
        return f"{name}_required"
    return "too_long" if len(value) > longest else ""


def registration_problem(household: str, occupant: str, typed_day: str,
                         moved_in: date | None, *, today: date, longest: int) -> str:
    """What the form registering a household (开户) lacks: its unit code; an occupant
    and the day they moved in go together, or neither ("" when nothing)."""
    if not household:
        return "household_required"
    if not HOUSEHOLD_RE.match(household):
        return "invalid_household"
    if not occupant and not typed_day:
        return ""
    if problem := text_problem(occupant, "occupant", longest=longest):
        return problem
    if moved_in is None:
        return "date_required"
    return "date_in_future" if moved_in > today else ""


def current_occupancy(household: Household) -> Occupancy | None:
    """The occupant living there now (their part of the file is open), or None."""
    return next((o for o in household.occupants if o.moved_out is None), None)


def registered_as_asked(household: Household, occupant: str, moved_in: date | None) -> bool:
    """Whether ``household``, refused as registered already, reads as the registration form
    asked (with no occupant, or with ``occupant`` alone, moved in on ``moved_in``): the
    same form sent twice (a double click), whose first registered it; the page then
    answers as the first, not with a refusal telling the person to register the occupant
    again."""
    if not occupant:
        return not household.occupants
    return [(o.occupant, o.moved_in, o.moved_out) for o in household.occupants] == [
        (occupant, moved_in, None)]


def occupant_problem(occupant: str, moved_in: date | None, *, current: Occupancy | None,
                     closes: int | None, today: date, longest: int) -> tuple[str, str]:
    """What the form for a new occupant lacks, and the field to correct ("" when nothing,
    or none to correct): ``current`` moves out the day the new occupant moves in (D2);
    ``closes``, the occupancy the person confirmed closing, if they did."""
    if changed_meanwhile(closes, current):
        return "occupants_changed", ""
    if problem := text_problem(occupant, "occupant", longest=longest):
        return problem, "occupant"
    return _day_problem(current, moved_in, "moved_in", "moved-in", today=today)


def move_out_problem(moved_out: date | None, *, current: Occupancy | None,
                     closes: int | None, today: date) -> tuple[str, str]:
    """What the move-out form lacks, and the field to correct ("" when nothing, or none
    to correct); ``closes``, the occupancy the person confirmed closing, if they did."""
    if changed_meanwhile(closes, current):
        return "occupants_changed", ""
    return _day_problem(current, moved_out, "moved_out", "moved-out", today=today)


def changed_meanwhile(closes: int | None, current: Occupancy | None) -> bool:
    """Whether the occupancy the person confirmed closing (``closes``; None: nothing
    confirmed yet) is no longer the current one: someone recorded a change since the
    confirmation was shown, so it would close a part they were not shown (the registry
    refuses it too, 409 ``occupants_changed``)."""
    return closes is not None and (current is None or current.occupancy_id != closes)


def confirmed_closing(confirm: str, closes: str) -> int | None:
    """The occupancy a confirmation showed closing (its ``closes`` field), if the form was
    confirmed (``confirm``); None otherwise, or for a confirmation that does not say it
    (then it is asked again)."""
    return int(closes) if confirm and closes.isdigit() and len(closes) < 19 else None


def _day_problem(current: Occupancy | None, day: date | None, change: ChangeDay,
                 field_id: str, *, today: date) -> tuple[str, str]:
    """A day the occupants history may change on: given, come by ``today``, and not before
    the current occupant moved in (the registry's rule, ``checked_change_day``), so a
    date it would refuse is said before the change is offered for confirmation."""
    if day is None:
        return "date_required", field_id
    try:
        checked_change_day(current, day, change, today=today)
    except ValidationFailed as exc:
        return exc.code, field_id
    return "", ""


def confirmation(household: Household, records: list[DocumentRecord], change: Change,
                 day: date, occupant: str = "") -> Confirmation | None:
    """What is to be confirmed before ``change`` on ``day``: it closes the current
    occupant's part (a move-out, or a new occupant while one lives there); None when it
    closes nothing (a new occupant of a vacant unit). The last filing day its part keeps
    is found by the rule that places documents (``occupancy_on``): on a move-out, the day
    itself; on a change of occupant, the day before, as the day goes to the new one."""
    current = current_occupancy(household)
    if current is None:
        return None
    closed = msgspec.structs.replace(current, moved_out=day)
    after = [closed] + ([Occupancy(occupancy_id=current.occupancy_id + 1, occupant=occupant,
                                   moved_in=day, moved_out=None)]
                        if change == "occupant" else [])
    keeps_day = occupancy_on(after, day) == closed
    kept_until = day if keeps_day else day - timedelta(days=1)
    held = [r for r in records if in_file(r) and r.occupancy_id == current.occupancy_id]
    return Confirmation(change=change, day=day, occupant=occupant, closing=current,
                        documents=len(held), kept_until=kept_until,
                        kept=sum(r.filed_at <= kept_until for r in held))
