"""The retention pages (``/ui/retention``, ``/ui/sweeps/{id}``, ``/ui/destructions/{id}``,
``/ui/holds``): the schedule, sweeps and their appraisal, the director's approval, legal
holds and the destruction register with its witnesses.

What an item still needs and how many witnesses a register lacks come from the registry
(its rules put them in its answers); who may do what is ``services.common.retention``,
the list the registry's routes use. The forms shown are a courtesy: the registry decides
every move again, and its refusal is shown by its code (``retention_refusal``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import msgspec

from services.common.auth import Principal
from services.common.contracts.retention import (
    DESTRUCTION_STATUS_NAMES,
    REGISTER_SECURITY_NAMES,
    SIGNABLE,
    STOP_NAMES,
    Destruction,
    EarlierAppraisal,
    Hold,
    HoldCount,
    RetentionSchedule,
    Sweep,
    SweepItem,
    SweepSummary,
    Tombstone,
)
from services.common.models import CATEGORY_NAMES
from services.common.paging import LIST_PAGE
from services.common.retention import (
    APPRAISER_ROLES,
    APPROVER_ROLE,
    DESTRUCTION_ROLE,
    HOLD_ROLE,
    REGISTER_READERS,
    RETENTION_READERS,
    SCHEDULE_EDITORS,
    SWEEP_ROLES,
    WITNESS_ROLES,
)
from services.web.links import HOLDS_URL, address, destruction_url, sweep_url
from services.web.names import CATEGORY_BY_CODE
from services.web.pager import (
    ListPage,
    Pager,
    asked_page,
    list_page,
    page_count,
    pager,
    rows_before,
)

SWEEP_STATUS_NAMES = {"appraisal": "鉴定中", "approved": "已批准", "rejected": "已退回",
                      "dry_run": "预览"}
ITEM_STATE_NAMES = {"appraisal": "待鉴定", "waiting": "已批准销毁，隔离等待中",
                    "kept": "已决定继续保存", "released": "已退回", "no_longer_due": "不再到期",
                    "destroyed": "已销毁"}
# A decision is a choice an appraiser makes ("Destroy"), so its words differ from what
# was done ("销毁" in a document's history reads "destroyed") and from an item's state.
DECISION_NAMES = {"undecided": "尚未决定", "destroy": "予以销毁", "keep": "继续保存",
                  "reappraise": "下年重新鉴定"}
DECIDED_NAME = "鉴定完成，待总经理审批"
"""An item under appraisal that two appraisers have decided: the director approves next."""


def item_state_name(state: str, outcome: str) -> str:
    """An item's state in words: under appraisal and decided, it waits for the director."""
    if state == "appraisal" and outcome != "undecided":
        return DECIDED_NAME
    return ITEM_STATE_NAMES.get(state, state)


def sweep_status_name(sweep: Sweep | SweepSummary) -> str:
    """A sweep's status in words: under appraisal with every item decided, it waits for
    the director, as its decided items say."""
    if sweep.awaiting_approval:
        return DECIDED_NAME
    return SWEEP_STATUS_NAMES.get(sweep.status, sweep.status)


REFUSED_FIELDS = {"decision_required": "decision", "opinion_required": "opinion"}
"""The field of the appraisal form a refusal is about; other refusals are about the item."""
MISSING_NAMES = {
    "second_appraiser": "还需要另一位鉴定人",
    "manager": "还需要一位部门负责人的鉴定",
    "engineering": "还需要工程部鉴定人的意见（工程技术文件）",
    "agreement": "鉴定意见不一致：需要两位鉴定人作出相同的决定",
}
"""What the registry says an item still needs (R2, R4), in words."""
HOLD_STATUS_NAMES = {"active": "保全中", "released": "已解除"}
def may_read(principal: Principal) -> bool:
    """Whether the retention pages exist for ``principal`` (else: the not-found page)."""
    return principal.has_role(*RETENTION_READERS)


def may_read_register(principal: Principal) -> bool:
    """Whether a destruction register's page exists for ``principal``: the retention
    pages' readers, and every witness (R6), who sees the register and nothing else."""
    return principal.has_role(*REGISTER_READERS)


@dataclass(frozen=True)
class Abilities:
    """The forms to offer ``principal`` (the registry checks each move again)."""

    edit_schedule: bool
    sweep: bool
    appraise: bool
    approve: bool
    destroy: bool
    witness: bool
    hold: bool


def abilities(principal: Principal) -> Abilities:
    return Abilities(edit_schedule=principal.has_role(*SCHEDULE_EDITORS),
                     sweep=principal.has_role(*SWEEP_ROLES),
                     appraise=principal.has_role(*APPRAISER_ROLES),
                     approve=principal.has_role(APPROVER_ROLE),
                     destroy=principal.has_role(DESTRUCTION_ROLE),
                     witness=principal.has_role(*WITNESS_ROLES),
                     hold=principal.has_role(HOLD_ROLE))


@dataclass(frozen=True)
class ScheduleLine:
    category: str
    name: str
    retention_class: str


def schedule_lines(schedule: RetentionSchedule) -> list[ScheduleLine]:
    """Every category, in the order of the domain's list, with its class."""
    return [ScheduleLine(category=category, name=name,
                         retention_class=schedule.classes.get(category, "permanent"))
            for category, name in CATEGORY_NAMES.items()]


@dataclass(frozen=True)
class EarlierLine:
    """The document's appraisal in an earlier sweep, as the item shows it."""

    earlier: EarlierAppraisal
    url: str
    """That sweep's page."""
    outcome: str
    """What its appraisers agreed, in words."""
    state: str
    """What became of the item there, in words."""


def earlier_lines(item: SweepItem) -> list[EarlierLine]:
    return [EarlierLine(earlier=earlier, url=sweep_url(earlier.sweep_id),
                        outcome=DECISION_NAMES.get(earlier.outcome, earlier.outcome),
                        state=ITEM_STATE_NAMES.get(earlier.state, earlier.state))
            for earlier in item.earlier]


@dataclass(frozen=True)
class ItemLine:
    item: SweepItem
    category: str
    state: str
    outcome: str
    missing: list[str]
    mine: str | None
    """The signed-in appraiser's decision so far, if any."""
    opinion: str
    """Their opinion with it ("" if none): the form holds it again, so revising a
    decision does not mean writing the opinion again. Another appraiser's is never put
    in their form (R2: each appraiser's opinion is their own); the table above shows it."""
    appraisable: bool
    """The signed-in person is offered the appraisal form: the sweep is under appraisal
    and the item still on it (one no longer due is neither appraised nor approved)."""
    register_url: str | None
    """The page of the register not executed yet that lists the item (R6)."""
    earlier: list[EarlierLine]
    """The document's appraisals in earlier sweeps, latest first."""
    last_time: EarlierLine | None
    """The latest of them, said beside the appraisal form. Said, not put in the form:
    an earlier decision checked in the form would be sent again by a click without
    being weighed again, and the reason it was kept then (a dispute, a claim) may be
    over; each appraisal is the appraiser's own judgement now (R2), so the form starts
    empty of anyone's earlier decision and the earlier one is read beside it."""


def sweep_items_url(sweep_id: str, page: int) -> str:
    """Page ``page`` of a sweep's items."""
    return sweep_url(sweep_id) + (f"?page={page}" if page > 1 else "") + "#items"


def item_lines(principal: Principal, sweep: Sweep) -> list[ItemLine]:
    appraising = abilities(principal).appraise and sweep.status == "appraisal"
    lines = []
    for item in sweep.items:
        mine = next((a for a in item.appraisals if a.appraiser == principal.username),
                    None)
        earlier = earlier_lines(item)
        lines.append(ItemLine(item=item,
                              category=CATEGORY_BY_CODE.get(item.category, item.category),
                              state=item_state_name(item.state, item.outcome),
                              outcome=DECISION_NAMES.get(item.outcome, item.outcome),
                              missing=[MISSING_NAMES.get(code, code) for code in item.missing],
                              mine=mine.decision if mine else None,
                              opinion=mine.opinion if mine else "",
                              appraisable=appraising and item.state == "appraisal"
                              and not item.redacted,
                              register_url=destruction_url(item.destruction_id)
                              if item.destruction_id else None,
                              earlier=earlier,
                              last_time=earlier[0] if earlier else None))
    return lines


FOLDED_CHOICES = 20
"""More documents than this for a register are listed folded (``<details>``), all ticked:
a sweep of ten years approves thousands, and the button sat under a page of boxes."""


@dataclass(frozen=True)
class SweepPage:
    sweep: Sweep
    status: str
    items: list[ItemLine]
    """Every item: the counts and the register's form are the whole sweep's."""
    destroyable: list[ItemLine]
    """Items approved for destruction, waiting apart (R5), on no register yet: what a
    register may take."""
    waiting_until: date | None
    """While the approved items still wait apart (R5), the day a register may be drawn up
    from: before it the page offers none (the registry would refuse ``not_yet_due``)."""
    can: Abilities
    refused_item: str | None
    """The item whose appraisal was refused: the page says the refusal there, where the
    redirect took the person, not at its top."""
    refused_field: str | None
    """The appraisal form's field that refusal is about (``REFUSED_FIELDS``), if any."""
    page: int = 1
    """The page of items shown, ``LIST_PAGE`` a page: a sweep of ten years' due documents
    is thousands of items, each with its appraisal form."""
    pager: Pager = field(default_factory=Pager)

    @property
    def ready(self) -> int:
        """The documents a register may take now: neither held nor out on loan."""
        return sum(1 for line in self.destroyable
                   if not (line.item.held or line.item.on_loan))

    @property
    def folded(self) -> bool:
        return len(self.destroyable) > FOLDED_CHOICES

    @property
    def shown(self) -> list[ItemLine]:
        """The items of the page shown."""
        return self.items[rows_before(self.page):rows_before(self.page) + LIST_PAGE]

    @property
    def first(self) -> int:
        """The number of the first item shown, from 1."""
        return rows_before(self.page) + 1

    @property
    def last(self) -> int:
        return self.first + len(self.shown) - 1


def sweep_page(principal: Principal, sweep: Sweep, *, today: date, refused: str = "",
               at: str = "", page: int | None = None, item: str = "") -> SweepPage:
    """The sweep as ``principal`` reads it on ``today``; ``refused`` and ``at`` (the
    refused form's id, ``item-<document id>``) from the redirect of an appraisal refused or
    done; ``page`` of its items (``LIST_PAGE`` a page), else the page holding the item
    ``item`` or ``at`` names (a link to a document's item, the redirect of its appraisal),
    else the first."""
    items = item_lines(principal, sweep)
    line = next((line for line in items if refused and not line.item.redacted
                 and at == f"item-{line.item.document_id}"), None)
    wanted = item or at.removeprefix("item-")
    position = next((number for number, found in enumerate(items)
                     if wanted and found.item.document_id == wanted), None)
    last = page_count(len(items), LIST_PAGE)
    shown = min(asked_page(page), last) if page is not None or position is None \
        else position // LIST_PAGE + 1
    return SweepPage(
        page=shown, pager=pager(shown, last, lambda number: sweep_items_url(
            sweep.sweep_id or "", number)),
        sweep=sweep, status=sweep_status_name(sweep), items=items,
        destroyable=[line for line in items if line.item.state == "waiting"
                     and not line.item.redacted and line.item.destruction_id is None],
        waiting_until=sweep.destroy_after if sweep.destroy_after
        and today < sweep.destroy_after else None,
        can=abilities(principal),
        refused_item=line.item.document_id if line else None,
        refused_field=REFUSED_FIELDS.get(refused) if line and line.appraisable else None)


@dataclass(frozen=True)
class DestructionPage:
    register: Destruction
    status: str
    signed: bool
    """The signed-in person has signed it."""
    can: Abilities
    own: bool
    """The signed-in person drew it up (R6: they are not one of its witnesses)."""
    retention: bool
    """The signed-in person reads the other retention pages (a witness only may not)."""
    stops: dict[int, str]
    """What stops each pending item being destroyed now, in words, by its position."""
    levels: dict[int, str]
    """Each item's security level as the register gives it (R6: 机密（粉碎）), by position."""
    cancellable: bool
    """The signed-in person may withdraw it (撤回清册): it is not executing yet."""


def destruction_page(principal: Principal, register: Destruction) -> DestructionPage:
    return DestructionPage(
        register=register,
        status=DESTRUCTION_STATUS_NAMES.get(register.status, register.status),
        signed=any(w.username == principal.username for w in register.witnesses),
        can=abilities(principal), own=register.created_by == principal.username,
        retention=may_read(principal),
        stops={item.position: STOP_NAMES.get(item.stopped_by, item.stopped_by)
               for item in register.items if item.stopped_by},
        levels={item.position: REGISTER_SECURITY_NAMES.get(item.security, item.security)
                for item in register.items},
        cancellable=principal.has_role(DESTRUCTION_ROLE) and register.status in SIGNABLE)


@dataclass(frozen=True)
class HoldLine:
    hold: Hold
    status: str
    documents: int
    """Documents the hold names (those the reader may not know of counted too)."""
    category: str
    waiting: bool
    """It covers no document yet, only those to be filed (``waiting_for_filing``)."""
    unseen: bool
    """It also covers any documents above the reader's clearance, uncounted
    (``Hold.covers_unseen``): said the same way whether there are any."""


def waiting_for_filing(hold: Hold) -> bool:
    """An active household or category hold that covers no document now, of those the
    reader may see (``covers_now``): R7 holds those filed there later, so it stands, and
    the page says it holds nothing yet (a typo in the household would show here)."""
    return hold.status == "active" and not hold.documents and hold.covers_now == 0


def placed_outcome(hold: Hold) -> str:
    """What the page says of a hold just placed (``?done=``): placed; waiting for filing;
    or, to a reader it may cover documents unseen by, waiting as far as they may see."""
    if not waiting_for_filing(hold):
        return "placed"
    return "placed_waiting_unseen" if hold.covers_unseen else "placed_waiting"


def hold_lines(holds: list[Hold]) -> list[HoldLine]:
    return [HoldLine(hold=hold, status=HOLD_STATUS_NAMES.get(hold.status, hold.status),
                     documents=len(hold.documents) + hold.documents_withheld,
                     category=CATEGORY_BY_CODE.get(hold.category, hold.category)
                     if hold.category else "", waiting=waiting_for_filing(hold),
                     unseen=hold.covers_unseen)
            for hold in holds]


@dataclass(frozen=True)
class HoldsPages:
    """Which page of each part the address asks for: ``?page=`` the active holds (or the
    page holding ``?hold=``, an active hold's id), ``?released_page=`` the released ones."""

    page: int = 1
    released_page: int = 1
    hold: str = ""

    def url(self, **changes: int) -> str:
        """These pages with ``changes``, scrolled to the part changed."""
        values = {"page": self.page, "released_page": self.released_page} | changes
        anchor = "#released" if "released_page" in changes else "#list"
        return address(HOLDS_URL, {name: number for name, number in values.items()
                                   if number != 1}) + anchor

    def within(self, active: HoldCount, released: HoldCount) -> HoldsPages:
        """These pages of parts of ``active`` and ``released`` holds (R7: every active
        hold is on a page, none hidden behind newer ones): the page holding ``hold``
        when the active holds list it (``active.before``); one past the last shows the
        last."""
        page = (active.before // LIST_PAGE + 1 if active.before is not None
                else min(self.page, page_count(active.count, LIST_PAGE)))
        return HoldsPages(page=page, released_page=min(
            self.released_page, page_count(released.count, LIST_PAGE)), hold=self.hold)


FIRST_HOLDS_PAGES = HoldsPages()


def holds_part(holds: list[Hold], total: int, page: int, url: Callable[[int], str]
               ) -> ListPage[HoldLine]:
    """Page ``page`` of a part of the holds page, as read (``holds``, newest first), of
    ``total`` on every page, the pager under it leading through ``url(number)``."""
    return list_page(hold_lines(holds), total, page, url)


@dataclass(frozen=True)
class DestroyedLine:
    """A destroyed document a refused hold named: when, before whom, and its register."""

    tombstone: Tombstone
    url: str


def destroyed_lines(listed: object) -> list[DestroyedLine]:
    """The destroyed documents a refused hold names (the registry's ``destroyed``, R7:
    the evidence is gone), each with its register linked."""
    try:
        gone = msgspec.convert(listed, list[Tombstone])
    except msgspec.ValidationError:
        return []
    return [DestroyedLine(tombstone=tombstone, url=destruction_url(tombstone.destruction_id))
            for tombstone in gone]


def unknown_archive_nos(listed: object) -> list[str]:
    """The archive numbers (档号) a refused hold names as not existing or not visible to
    the reader (the registry's ``documents``), as typed."""
    try:
        return msgspec.convert(listed, list[str])
    except msgspec.ValidationError:
        return []
