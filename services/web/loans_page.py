"""The loan pages (``/ui/loans``, ``/ui/loans/{loan_id}``): my loans, the requests that
wait for my approval, the register, my notifications, the desk's incidents, one loan
with the moves I may make.

Whose turn a step is comes from the registry: the inbox is its ``awaiting=me`` list,
and the buttons of one loan ask the one rule it applies to every approval
(``services.common.approvals``, B3), so both show exactly what the registry would let
this person decide. The buttons shown are a courtesy: the registry decides
every move again, and its refusal is shown by its code (``REFUSALS`` in the template).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import partial
from typing import Literal

from services.common.approvals import DESK, is_awaited_from
from services.common.auth import Principal
from services.common.contracts.lending import Incident, Loan, Notification
from services.common.contracts.registry import DocumentRecord
from services.common.contracts.retention import DESTRUCTION_STATUS_NAMES, DestructionSummary
from services.common.models import CATEGORY_NAMES, ROLE_NAMES
from services.common.paging import LIST_PAGE
from services.common.renewals import renewal_refusal
from services.common.web import PAGES_PREFIX
from services.web.document_page import LOAN_KIND_NAMES, loan_status_name
from services.web.links import destruction_url, document_url
from services.web.names import CATEGORY_BY_CODE, LEVEL_BY_CODE
from services.web.pager import Pager, pager, rows_before

Register = Literal["all", "overdue", "escalated"]
REGISTERS: tuple[Register, ...] = ("all", "overdue", "escalated")

Move = Literal["approve", "reject", "withdraw", "issue", "acknowledge", "renew", "return"]
MOVES: tuple[Move, ...] = ("approve", "reject", "withdraw", "issue", "acknowledge", "renew",
                           "return")


LOANS_URL = f"{PAGES_PREFIX}/loans"
EXTERNAL_FIELDS = ("name", "organisation", "id_document", "introduction_letter")
OFFERED_OPEN_UP_TO = 20
"""A loan form offering more documents than this shows each category closed but those
holding a chosen one: a household's file of 400 documents, listed whole, was 24 000 px of
boxes on a phone to find one decoration approval in."""


@dataclass(frozen=True)
class OfferedGroup:
    """The documents of one category (D5) a loan form offers, newest first as offered."""

    category: str
    name: str
    records: list[DocumentRecord]
    open: bool


def offered_groups(offered: list[DocumentRecord], chosen: set[str]) -> list[OfferedGroup]:
    """``offered`` by category in the vocabulary's order, each open when the form offers
    few documents or it holds one of ``chosen``."""
    few = len(offered) <= OFFERED_OPEN_UP_TO
    return [OfferedGroup(code, name, records,
                         few or any(record.document_id in chosen for record in records))
            for code, name in CATEGORY_NAMES.items()
            if (records := [record for record in offered if record.category == code])]
"""What the request form asks of an external reader (外部查阅人): all of it, or none."""
_LEFT_EMPTY = {"purpose_required": ("purpose", "reason"),
               "external_incomplete": tuple(f"external_{field}" for field in EXTERNAL_FIELDS)}


@dataclass(frozen=True)
class RequestForm:
    """The loan request form (申请借阅) as typed, and why it was refused ("" when not)."""

    values: dict[str, str]
    problem: str = ""
    refusal: Mapping[str, object] = field(default_factory=dict)
    """The registry's refusal's details (``no_approver``: ``steps``, ``clearance_needed``)."""

    @property
    def steps_nobody_gives(self) -> list[str]:
        """B3: the approval steps (roles) nobody but the borrower could give."""
        steps = self.refusal.get("steps")
        return [step for step in steps if isinstance(step, str)] \
            if isinstance(steps, list) else []

    @property
    def clearance_needed(self) -> str:
        """The clearance those steps' approvers lack, by its name ("" for ordinary
        documents: then nobody else holds the role at all)."""
        needed = self.refusal.get("clearance_needed")
        if needed == "ordinary" or not isinstance(needed, str):
            return ""
        return LEVEL_BY_CODE.get(needed, "")

    @property
    def faulty(self) -> frozenset[str]:
        """The fields to put right (marked invalid, described by the refusal, the first
        focused): those left empty of the ones the refusal needs."""
        return frozenset(name for name in _LEFT_EMPTY.get(self.problem, ())
                         if not self.values.get(name))

    @property
    def external_open(self) -> bool:
        """Whether the external reader's part is shown open: when any of its fields has
        a value (typed, or put back after a sign-in) or is to be put right."""
        return any(self.values.get(name) or name in self.faulty
                   for name in _LEFT_EMPTY["external_incomplete"])


def loan_url(loan_id: str) -> str:
    return f"{PAGES_PREFIX}/loans/{loan_id}"


def awaits(principal: Principal, loan: Loan) -> bool:
    """Whether the step ``loan`` waits for is ``principal``'s to give (B3)."""
    return is_awaited_from(
        principal, status=loan.status, approvals_needed=loan.approvals_needed,
        borrower=loan.borrower, borrower_department=loan.borrower_department,
        earlier_approvers=[approval.approver
                           for approval in sorted(loan.approvals, key=lambda a: a.step)],
        levels=[document.security for document in loan.documents])


@dataclass(frozen=True)
class Step:
    """One step of the approval chain, given or not."""

    name: str
    approver: str | None
    note: str | None
    current: bool
    rejected_by: str | None = None
    """Who turned the request down at this step."""
    moot: bool = False
    """A step never reached: after the one that turned the request down, or not given
    before the request was withdrawn."""


@dataclass(frozen=True)
class DocumentLine:
    url: str | None
    """None for a document above the reader's clearance (counted, not named)."""
    title: str
    archive_no: str
    category: str
    security: str
    """The document's security level (D9) by its name: 普通, 机密, 绝密."""
    raised: bool
    """Above ordinary: the loan waits for the director too (B2), so it stands out."""
    personal_info: bool
    """It holds owners' personal information (D9): the loan waits for the service-centre
    head too (B8); the approvers see why."""


@dataclass(frozen=True)
class LoanPage:
    loan: Loan
    status: str
    kind: str
    steps: list[Step]
    documents: list[DocumentLine]
    moves: frozenset[Move]
    at_desk: bool
    """The reader works the loan desk, where open incidents are resolved."""
    renewal_refused: str = ""
    """Why 续借 is not offered to someone who could otherwise renew (B4: renewed as often
    as allowed, or expired), as the registry's refusal code; empty when it is offered or
    not theirs."""

    @property
    def lends_one(self) -> str:
        """The archive number of the loan's one document, which its heading names (the
        borrower's loan of 2024-correspondence-A-1201-0007); "" when it lends several or
        one above the reader's clearance, which the heading counts instead."""
        named = [document.archive_no for document in self.documents if document.url]
        return named[0] if len(self.documents) == 1 and named else ""


def _steps(loan: Loan) -> list[Step]:
    given = {approval.step: approval for approval in loan.approvals}
    reached = len(loan.approvals)
    rejection = loan.rejection
    withdrawn = rejection is not None and rejection.withdrawn
    rejected_by = rejection.rejected_by if rejection and not withdrawn else None
    steps = []
    for number, role in enumerate(loan.approvals_needed):
        approval = given.get(number)
        steps.append(Step(name=ROLE_NAMES.get(role, role),
                          approver=approval.approver if approval else None,
                          note=approval.note if approval else None,
                          current=loan.status == "requested" and number == reached,
                          rejected_by=rejected_by if number == reached else None,
                          moot=(rejected_by is not None and number > reached)
                          or (withdrawn and number >= reached)))
    return steps


def moves_for(principal: Principal, loan: Loan) -> frozenset[Move]:
    """The moves to offer ``principal`` on ``loan`` (the registry checks each again)."""
    moves: set[Move] = set()
    mine = principal.username == loan.borrower
    at_desk = principal.has_role(*DESK) and not mine
    if awaits(principal, loan):
        moves |= {"approve", "reject"}
    if loan.status in ("requested", "approved") and principal.username in (
            loan.borrower, loan.requested_by):
        moves.add("withdraw")
    if loan.status == "approved" and at_desk:
        moves.add("issue")
    if loan.status == "out":
        if mine and loan.acknowledged_at is None:
            moves.add("acknowledge")
        if mine or at_desk:
            moves.add("renew")
        if at_desk:
            moves.add("return")
    return frozenset(moves)


def loan_page(principal: Principal, loan: Loan, *, now: datetime, max_renewals: int,
              zone: tzinfo) -> LoanPage:
    """``now`` and ``max_renewals`` (``ARCHIVE_LOAN_MAX_RENEWALS``): whether a renewal
    would be accepted, by the registry's rule (``services.common.renewals``)."""
    documents = [
        DocumentLine(url=None if document.redacted
                     else document_url(document.document_id),
                     title=document.title or "", archive_no=document.archive_no,
                     category=CATEGORY_BY_CODE.get(document.category, document.category),
                     security=LEVEL_BY_CODE.get(document.security, document.security),
                     raised=document.security != "ordinary",
                     personal_info=document.personal_info)
        for document in loan.documents]
    moves = moves_for(principal, loan)
    refusal = None
    if "renew" in moves and loan.due_at is not None:
        refusal = renewal_refusal(renewals=loan.renewals, due_at=loan.due_at, now=now,
                                  max_renewals=max_renewals, zone=zone)
    return LoanPage(loan=loan, status=loan_status_name(loan),
                    kind=LOAN_KIND_NAMES.get(loan.kind, loan.kind), steps=_steps(loan),
                    documents=documents,
                    moves=moves - {"renew"} if refusal is not None else moves,
                    at_desk=principal.has_role(*DESK),
                    renewal_refused=refusal.code if refusal is not None else "")


@dataclass(frozen=True)
class LoanLine:
    loan: Loan
    url: str
    status: str
    kind: str
    waiting_for: str
    """The step awaited, by who gives it; empty once decided."""
    what: list[str]
    """The first three documents the reader may see, named (the page joins them with its
    language's separator)."""
    more: bool
    """Whether the reader may see other documents than those named."""
    hidden: int
    """The documents above the reader's clearance (counted, not named)."""


def loan_line(loan: Loan) -> LoanLine:
    named = [document.title or document.archive_no for document in loan.documents
             if not document.redacted]
    return LoanLine(hidden=len(loan.documents) - len(named), loan=loan, url=loan_url(loan.loan_id),
                    status=loan_status_name(loan),
                    kind=LOAN_KIND_NAMES.get(loan.kind, loan.kind),
                    waiting_for=ROLE_NAMES.get(loan.next_approval, loan.next_approval)
                    if loan.next_approval else "", what=named[:3], more=len(named) > 3)


@dataclass(frozen=True)
class IncidentLine:
    """A loss or damage report (B5) on the archivist's desk, with the loan it came from."""

    incident: Incident
    loan_url: str
    borrower: str
    archive_nos: list[str]
    """The loan's documents by archive number (档号), as the reader may see them."""
    hidden: int
    """The loan's documents above the reader's clearance (counted, not named)."""


def incident_lines(incidents: list[Incident], loans: dict[str, Loan]) -> list[IncidentLine]:
    lines = []
    for incident in incidents:
        loan = loans.get(incident.loan_id)
        documents = loan.documents if loan else []
        named = [document.archive_no for document in documents if not document.redacted]
        lines.append(IncidentLine(
            incident=incident, loan_url=loan_url(incident.loan_id),
            borrower=loan.borrower if loan else "", archive_nos=named,
            hidden=len(documents) - len(named)))
    return lines


@dataclass(frozen=True)
class WitnessLine:
    """A destruction register waiting for the reader's signature as a witness (R6)."""

    register: DestructionSummary
    url: str
    status: str


def register_url(shown: Register, page: int) -> str:
    """Page ``page`` of the register as ``shown`` filters it."""
    return f"{LOANS_URL}?show={shown}&page={page}#register" if page > 1 \
        else f"{LOANS_URL}?show={shown}#register"


def mine_url(shown: Register, page: int) -> str:
    """Page ``page`` of the reader's own loans (``?mine_page=``)."""
    return f"{LOANS_URL}?show={shown}&mine_page={page}#mine" if page > 1 \
        else f"{LOANS_URL}?show={shown}#mine"


@dataclass(frozen=True)
class LoansPage:
    mine: list[LoanLine]
    inbox: list[LoanLine] | None
    """None for someone who approves no step."""
    register: list[LoanLine] | None
    """None for someone who may not read the register; else its page shown."""
    shown: Register
    notifications: list[Notification]
    """Read or not; those unread when the page was asked for have ``read_at`` None."""
    incidents: list[IncidentLine] | None
    """None for someone who does not work the desk; else the open ones."""
    to_witness: list[WitnessLine] | None = None
    """None for someone who may not witness (R6); else the registers awaiting them."""
    register_page: int = 1
    register_more: bool = False
    """Loans of the register follow on its next page."""
    register_pager: Pager = field(default_factory=Pager)
    mine_page: int = 1
    mine_more: bool = False
    """The reader's own loans follow on the next page of them."""
    mine_pager: Pager = field(default_factory=Pager)

    @property
    def mine_first(self) -> int:
        """The number of the reader's first own loan shown, from 1."""
        return rows_before(self.mine_page) + 1

    @property
    def mine_last(self) -> int:
        return self.mine_first + len(self.mine) - 1

    @property
    def register_first(self) -> int:
        """The number of the register's first loan shown, from 1."""
        return rows_before(self.register_page) + 1

    @property
    def register_last(self) -> int:
        return self.register_first + len(self.register or []) - 1

    @property
    def unread(self) -> int:
        return sum(1 for notice in self.notifications if notice.read_at is None)

    @property
    def overdue_in_register(self) -> bool:
        """Some loan the register shows is out past its due date (B4): the page says
        what to do about it, before any escalation tells anyone."""
        return any(line.loan.overdue for line in self.register or [])


def loans_page(*, mine: list[Loan], awaiting: list[Loan] | None,
               register: list[Loan] | None, shown: Register,
               notifications: list[Notification],
               incidents: list[IncidentLine] | None = None,
               to_witness: list[DestructionSummary] | None = None,
               register_page: int = 1, mine_page: int = 1) -> LoansPage:
    """``awaiting``: the requests waiting for the reader, ``to_witness`` the registers
    waiting for their signature, each as the registry chose them; ``register``: page
    ``register_page`` of the register as the registry answered it, asked for one more
    than a page holds (``LIST_PAGE``), so that one past the page says another follows;
    ``mine`` likewise, page ``mine_page`` of the reader's own loans."""
    more = register is not None and len(register) > LIST_PAGE
    mine_more = len(mine) > LIST_PAGE
    return LoansPage(
        mine=[loan_line(loan) for loan in mine[:LIST_PAGE]],
        mine_page=mine_page, mine_more=mine_more,
        mine_pager=pager(mine_page, mine_page + 1 if mine_more else mine_page,
                         partial(mine_url, shown)),
        inbox=None if awaiting is None else [loan_line(loan) for loan in awaiting],
        register=None if register is None else [loan_line(loan) for loan in register[:LIST_PAGE]],
        register_page=register_page, register_more=more,
        register_pager=pager(register_page, register_page + 1 if more else register_page,
                             partial(register_url, shown)),
        shown=shown, notifications=notifications, incidents=incidents,
        to_witness=None if to_witness is None else [
            WitnessLine(register=summary,
                        url=destruction_url(summary.destruction_id),
                        status=DESTRUCTION_STATUS_NAMES.get(summary.status, summary.status))
            for summary in to_witness])
