"""The rules of a loan, pure: its states and moves, the approvals it needs, its periods.

A loan moves ``requested → approved → out → returned``, or ends ``rejected`` before it is
out: refused at an approval step, or withdrawn (撤回) by its applicant or because the
borrower left (B9) (interface.md, Lending). Every move is listed once in ``MOVES``;
anything else is refused with 409 ``invalid_transition``, never silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from services.common.approvals import DESK, REGISTER_READERS
from services.common.auth import Principal
from services.common.clock import day_end_after
from services.common.config import Settings
from services.common.contracts.lending import Incident, LoanStatus
from services.common.errors import ArchiveError, Conflict, Forbidden, NotFound
from services.common.models import Category, Role, SecurityLevel
from services.common.renewals import renewal_refusal
from services.registry.lending.models import LoanRow, Move

MOVES: dict[Move, tuple[tuple[LoanStatus, ...], LoanStatus]] = {
    # move: (the states it may start from, the state it leaves); ``approve`` ends in
    # ``approved`` only at the last approval the loan needs, until then it stays
    # ``requested``.
    "approve": (("requested",), "approved"),
    "reject": (("requested",), "rejected"),
    # Closed before anything is lent: by its applicant, or when the borrower leaves (B9).
    "withdraw": (("requested", "approved"), "rejected"),
    "issue": (("approved",), "out"),
    "acknowledge": (("out",), "out"),
    "renew": (("out",), "out"),
    "record_copy": (("out",), "out"),
    "return": (("out",), "returned"),
}

DONE_TO_A_LOAN: dict[Move, str] = {
    "approve": "be approved", "reject": "be rejected", "withdraw": "be withdrawn",
    "issue": "be issued", "acknowledge": "be acknowledged", "renew": "be renewed",
    "record_copy": "have a copy recorded", "return": "be returned",
}
"""Each move as a refusal says it of the loan: "it cannot be approved"."""

WITHDRAWN_BY_APPLICANT = "申请人撤回"
"""The reason recorded when the borrower, or the archivist who registered the request,
withdraws it."""
BORROWER_LEFT = "借阅人已离职"
"""The reason recorded on the requests closed when their borrower is deactivated (B9)."""

NOT_LENDABLE_ON_PAPER: tuple[Category, ...] = ("policy",)
"""B7: document archives (文书档案, company policy) are read in place, never lent."""


def check_move(move: Move, status: LoanStatus) -> LoanStatus:
    """The state ``move`` leads to from ``status``; ``Conflict`` (``invalid_transition``)
    if the loan is not in the state the move needs."""
    needed, reached = MOVES[move]
    if status not in needed:
        raise Conflict(f"the loan is {status}, so it cannot {DONE_TO_A_LOAN[move]} (only a "
                       f"loan that is {' or '.join(needed)} can)",
                       code="invalid_transition")
    return reached


class Lent(Protocol):
    """The facts about a document the approval chain depends on (a ``DocumentRecord``)."""

    @property
    def security(self) -> SecurityLevel: ...

    @property
    def personal_info(self) -> bool: ...


def approvals_needed(documents: Iterable[Lent]) -> list[Role]:
    """The approvals a loan of ``documents`` needs, in order (B3, B8, B2): the borrower's
    department head, the service-centre head for personal information, the director for
    confidential or secret documents, and last the archive department."""
    listed = list(documents)
    chain: list[Role] = ["manager"]
    if any(document.personal_info for document in listed):
        chain.append("center_head")  # B8
    if any(document.security != "ordinary" for document in listed):
        chain.append("director")  # B2
    chain.append("archivist")  # B3: the archive department approves last
    return chain


RENEWAL_SENT_AGAIN_WITHIN = timedelta(minutes=2)
"""A renewal that does not say how many renewals its sender saw (an API script's ``POST
…/renew`` without ``renewals``) asked this soon after the loan's last renewal is taken for
that renewal sent again (a retry, the same request sent twice at once), not for a second:
a person renewing twice on purpose does it minutes apart at least, or says ``renewals``."""


def renewed_just_now(renewed_at: datetime | None, now: datetime) -> bool:
    """Whether a loan last renewed at ``renewed_at`` was renewed within
    ``RENEWAL_SENT_AGAIN_WITHIN`` of ``now``."""
    return renewed_at is not None and now - renewed_at < RENEWAL_SENT_AGAIN_WITHIN


@dataclass(frozen=True)
class LoanPeriods:
    """B4: how long a loan lasts, how far a renewal moves it, how often it may be renewed,
    when it is escalated."""

    loan_days: int = 7
    renewal_days: int = 7
    escalation_days: int = 15
    max_renewals: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> LoanPeriods:
        return cls(loan_days=settings.loan_days, renewal_days=settings.loan_days,
                   escalation_days=settings.loan_escalation_days,
                   max_renewals=settings.loan_max_renewals)

    def due(self, issued_at: datetime, zone: tzinfo) -> datetime:
        """B4: a loan is due back by the end of its last day on the company's clocks
        (``zone``): lent on a Monday at 15:00 for 7 days, by the end of the next Monday,
        the day the pages show, not at 15:00 that day."""
        return day_end_after(issued_at, self.loan_days, zone)

    def renewed(self, due_at: datetime, zone: tzinfo) -> datetime:
        """B4: a renewal moves the day it is due by ``renewal_days``, to that day's end."""
        return day_end_after(due_at, self.renewal_days, zone)

    def check_renewal(self, *, renewals: int, due_at: datetime, now: datetime, zone: tzinfo
                      ) -> None:
        """B4: ``Conflict`` unless the loan may be renewed (``renewal_refusal``)."""
        refusal = renewal_refusal(renewals=renewals, due_at=due_at, now=now,
                                  max_renewals=self.max_renewals, zone=zone)
        if refusal is not None:
            raise refusal

    def escalation_due(self, held_since: datetime, due_at: datetime, zone: tzinfo
                       ) -> datetime:
        """B4: out more than ``escalation_days`` since issue or the last renewal, counted
        as the due date is, to that day's end on the company's clocks (``zone``): lent on
        the 3rd, escalated once the 18th is over; and never before the loan is due (two
        renewals on the first day make it due after 21 days)."""
        return max(day_end_after(held_since, self.escalation_days, zone), due_at)


REGISTRARS = ("archivist",)
"""Who registers a loan for someone else (the paper 出借单 brought to the archive)."""


def applicants(loan: LoanRow) -> set[str]:
    """Who is told a request's decision: its borrower, and whoever asked for it."""
    return {loan.borrower, loan.requested_by}


def may_read(principal: Principal, loan: LoanRow) -> bool:
    """Whether ``principal`` may know ``loan`` exists (otherwise it is a 404)."""
    return principal.has_role(*REGISTER_READERS) or principal.username in applicants(loan)


def withdrawal_refusal(principal: Principal, loan: LoanRow) -> ArchiveError | None:
    """Why ``principal`` may not withdraw ``loan``, or None: the borrower withdraws their
    request, and so does whoever registered it for them."""
    if principal.username in applicants(loan):
        return None
    return unseen_or(principal, loan, Forbidden(
        "only the borrower, or whoever registered the request, withdraws it",
        code="not_applicant"))


def unseen_or(principal: Principal, loan: LoanRow, error: ArchiveError) -> ArchiveError:
    """``error``, or 404 ``unknown_loan`` for a caller who may not know the loan exists."""
    return error if may_read(principal, loan) else NotFound(f"no loan {loan.loan_id}",
                                                            code="unknown_loan")


def is_overdue(row: LoanRow, now: datetime) -> bool:
    """B4: out and past ``due_at`` (``repository.overdue_at`` of many loans, in SQL)."""
    return row.status == "out" and row.due_at is not None and now > row.due_at


def resolution_refusal(principal: Principal, incident: Incident | None, incident_id: str
                       ) -> ArchiveError | None:
    """B5: why ``principal`` may not resolve the incident, or None if they may. The
    archive department (the desk) closes a loss or damage report, once; the role is
    checked first, so anyone else learns nothing about the incident."""
    if not principal.has_role(*DESK):
        return Forbidden("an archivist resolves a loss or damage report (B5)",
                         code="role_required")
    if incident is None:
        return NotFound(f"no incident {incident_id}", code="unknown_incident")
    if incident.resolved_at is not None:
        return Conflict(f"the incident was resolved by {incident.resolved_by} on "
                        f"{incident.resolved_at:%Y-%m-%d %H:%M} UTC", code="incident_resolved")
    return None
