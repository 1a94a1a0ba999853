"""The corrections page (``/ui/corrections``, 更正审批, D6, D10): the corrections waiting
for approval, each with its document, who asked and when, every field's value now and
the one asked for, and the reason; approve or reject it (a second step confirms); and
the reader's own corrections with where each stands, a pending one with 撤回 to take it
back (a second step confirms too).

The registry chooses what is listed (a document above the reader's clearance is not
named, nor its corrections) and says who approves each (``approvers``, by the rule
``approvers_for``); the page offers a decision to a person among them who did not ask for
it, and the registry decides again when it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from services.common.auth import Principal
from services.common.contracts.corrections import (
    CORRECTION_DECIDERS,
    Correction,
    awaits_decision,
)
from services.common.contracts.registry import PaperLocation
from services.common.filing import RECORD_CORRECTORS
from services.common.models import ROLE_NAMES
from services.common.paging import LIST_PAGE
from services.common.web import PAGES_PREFIX
from services.web.document_page import FIELD_NAMES
from services.web.links import address, document_url, household_url
from services.web.names import CATEGORY_BY_CODE, LEVEL_BY_CODE
from services.web.pager import ListPage, asked_page, list_page, page_count
from services.web.record_correction import LANGUAGE_CHOICES

CORRECTIONS_URL = f"{PAGES_PREFIX}/corrections"
Decision = Literal["approve", "reject", "withdraw"]
DECISIONS: tuple[Decision, ...] = ("approve", "reject", "withdraw")
"""What the page posts: an approver's ``approve`` or ``reject``, or the proposer's
``withdraw`` (撤回) of their own pending correction."""
CORRECTION_STATUS_NAMES = {"pending": "待审批", "applied": "已生效", "rejected": "已驳回",
                           "withdrawn": "已撤回"}
YES_NO = {True: "是", False: "否"}
"""A yes-or-no field's value (含业主个人信息, 在办文件, 复印件)."""
_SAID: dict[str, dict[str, str]] = {
    "category": CATEGORY_BY_CODE,
    "security": LEVEL_BY_CODE,
    "language": {code: name for code, name in LANGUAGE_CHOICES if code},
}


def decide_url(correction_id: str) -> str:
    """Where a decision on the correction is posted."""
    return f"{CORRECTIONS_URL}/{correction_id}"


@dataclass(frozen=True)
class Shown:
    """A field's value as the page says it: ``text`` as stored, ``said`` a name from the
    message catalogue, ``day`` a date, ``place`` a paper location, ``none`` not recorded."""

    kind: Literal["text", "said", "day", "place", "none"]
    value: object = None


def shown(name: str, value: object) -> Shown:
    if value is None or value == "":
        return Shown("none")
    if isinstance(value, bool):
        return Shown("said", YES_NO[value])
    if name in _SAID:
        return Shown("said", _SAID[name][str(value)]) if str(value) in _SAID[name] \
            else Shown("text", value)
    if name in ("filed_at", "moved_in", "moved_out"):
        return Shown("day", date.fromisoformat(str(value)))
    if name == "location" and isinstance(value, dict):
        return Shown("place", PaperLocation(**value))
    return Shown("text", value)


OCCUPANCY_FIELD_NAMES = {"occupant": "住户", "moved_in": "迁入日期", "moved_out": "退租日期"}
"""D12: an occupancy's correctable fields, by the labels the household page gives them."""


@dataclass(frozen=True)
class FieldChange:
    label: str
    """The field by the label the document page gives it (``FIELD_NAMES``)."""
    before: Shown
    after: Shown


@dataclass(frozen=True)
class CorrectionLine:
    correction: Correction
    document_url: str
    archive_no: str
    title: str
    changes: list[FieldChange]
    status: str
    approvers: list[str]
    """Who approves it, by role name; empty once decided."""
    decidable: bool
    """The reader may approve or reject it (one of ``approvers``, not who asked)."""
    own: bool
    """The reader asked for it: someone else decides."""
    stale: bool
    """The document changed since it was asked for: approving it is refused."""
    withdrawable: bool
    """The reader asked for it and it is pending: they may take it back (撤回)."""


def correction_line(principal: Principal, correction: Correction) -> CorrectionLine:
    """``correction`` as listed: each field's old value → the one asked for; pending, the
    old value is the record's now (what approving replaces), decided, the one it replaced
    as recorded when asked (``before``), not the record's now (its own new value once
    applied)."""
    document = correction.document
    occupancy = correction.occupancy
    old = document.current if document else occupancy.current if occupancy else {}
    if correction.status != "pending" and correction.before is not None:
        old = correction.before
    own = correction.requested_by == principal.username
    stale = document is not None and document.version != correction.base_version
    # D12: a correction of an occupancy is listed under its household and occupant
    subject = (document.archive_no, document.title) if document else (
        occupancy.household, str((correction.before or {}).get("occupant", ""))
    ) if occupancy else ("", "")
    return CorrectionLine(
        correction=correction,
        document_url=household_url(occupancy.household) if occupancy
        else document_url(correction.document_id or ""),
        archive_no=subject[0], title=subject[1],
        changes=[FieldChange(FIELD_NAMES.get(name, OCCUPANCY_FIELD_NAMES.get(name, name)),
                             shown(name, old.get(name)), shown(name, value))
                 for name, value in correction.changes.items()],
        status=CORRECTION_STATUS_NAMES.get(correction.status, correction.status),
        approvers=[ROLE_NAMES.get(role, role) for role in correction.approvers],
        decidable=awaits_decision(principal, correction),
        own=own, stale=stale, withdrawable=own and correction.status == "pending")


def may_decide(principal: Principal) -> bool:
    return principal.has_role(*CORRECTION_DECIDERS)


def may_propose(principal: Principal) -> bool:
    return principal.has_role(*RECORD_CORRECTORS)


@dataclass(frozen=True)
class ListPages:
    """Which page of each list the address asks for: ``?page=`` the corrections waiting,
    ``?mine_page=`` the reader's own."""

    page: int = 1
    mine_page: int = 1

    def url(self, anchor: str, **changes: int) -> str:
        """This choice of pages with ``changes``, scrolled to ``anchor``."""
        values = {"page": self.page, "mine_page": self.mine_page} | changes
        return address(CORRECTIONS_URL, {name: number for name, number in values.items()
                                         if number != 1}) + anchor

    def within(self, *, waiting: int, mine: int) -> ListPages:
        """These pages of lists of ``waiting`` and ``mine`` corrections: one past the
        last shows the last."""
        return ListPages(page=min(self.page, page_count(waiting, LIST_PAGE)),
                         mine_page=min(self.mine_page, page_count(mine, LIST_PAGE)))


FIRST_PAGES = ListPages()


def list_pages(*, page: int | None, mine_page: int | None) -> ListPages:
    """The pages the address asks for; a page below 1 is the first."""
    return ListPages(page=asked_page(page), mine_page=asked_page(mine_page))


@dataclass(frozen=True)
class Counted:
    """One page of a list as the registry read it, and how many the list holds on every
    page (``RegistryReader.correction_page``, ``correction_count``)."""

    corrections: list[Correction]
    total: int


def listed(principal: Principal, counted: Counted, page: int, url: Callable[[int], str]
           ) -> ListPage[CorrectionLine]:
    """``counted``, the corrections of ``page``, the pager under it leading through
    ``url(number)``."""
    return list_page([correction_line(principal, correction)
                      for correction in counted.corrections], counted.total, page, url)


@dataclass(frozen=True)
class Confirmation:
    """The second step of a decision: what it will do, sent again with ``confirm=1``;
    ``back`` the list where the correction is, to cancel."""

    line: CorrectionLine
    decision: Decision
    note: str
    back: str


@dataclass(frozen=True)
class Outcome:
    """What the last decision did, from the address it redirected to."""

    decision: Decision
    archive_no: str
    document_url: str
    version: str
    proposer: str
    occupant: str = ""
    """A correction of an occupancy (D12): its occupant as it read; no document."""


def outcome_of(query: dict[str, str]) -> Outcome | None:
    """``?done=approve|reject|withdraw&no=&doc=&v=&by=`` (``occ=`` instead of ``doc``
    for an occupancy's) as the decision's redirect wrote it."""
    done = query.get("done", "")
    decision = next((name for name in DECISIONS if name == done), None)
    if decision is None or not (query.get("doc") or query.get("occ")):
        return None
    return Outcome(decision=decision, archive_no=query.get("no", "")[:80],
                   document_url=document_url(query["doc"][:80]) if query.get("doc") else "",
                   version=query.get("v", "")[:8], proposer=query.get("by", "")[:80],
                   occupant=query.get("occ", "")[:80])


@dataclass(frozen=True)
class CorrectionsPage:
    waiting: ListPage[CorrectionLine]
    """The pending corrections the reader may see, oldest first."""
    mine: ListPage[CorrectionLine] | None
    """The reader's own, newest first; None for someone who does not propose them."""
    decides: bool
    """The reader holds a role that approves corrections."""
    to_decide: int
    """Those waiting for the reader's decision, on every page (the registry's
    ``awaiting-count``)."""
    pages: ListPages
    """The page of each list shown."""
    confirmation: Confirmation | None = None
    outcome: Outcome | None = None


def corrections_page(principal: Principal, *, waiting: Counted, mine: Counted | None,
                     to_decide: int, pages: ListPages = FIRST_PAGES,
                     outcome: Outcome | None = None) -> CorrectionsPage:
    """The page of each list ``pages`` asks for (``ListPages.within`` their totals),
    as read."""
    return CorrectionsPage(
        waiting=listed(principal, waiting, pages.page,
                       lambda number: pages.url("#waiting", page=number)),
        mine=None if mine is None else listed(
            principal, mine, pages.mine_page,
            lambda number: pages.url("#mine", mine_page=number)),
        decides=may_decide(principal), to_decide=to_decide, pages=pages, outcome=outcome)


def confirming(page: CorrectionsPage, correction_id: str, decision: Decision, note: str
               ) -> CorrectionsPage | None:
    """``page`` asking to confirm ``decision`` on the correction; None when it is not
    shown as one the reader may decide (decided meanwhile, not theirs, or on another
    page than the one the form was sent from), or, to withdraw, as one of theirs still
    pending. Cancelling returns to the pages shown."""
    withdrawing = decision == "withdraw"
    lines = page.waiting.lines if not withdrawing else (
        page.mine.lines if page.mine is not None else [])
    line = next((line for line in lines
                 if line.correction.correction_id == correction_id
                 and (line.withdrawable if withdrawing else line.decidable)), None)
    if line is None:
        return None
    back = page.pages.url(f"#mine-{correction_id}" if withdrawing
                          else f"#correction-{correction_id}")
    return replace(page, confirmation=Confirmation(line, decision,
                                                   "" if withdrawing else note, back))
