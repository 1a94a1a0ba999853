"""The registry's lending wire contract: a loan (借阅) as the registry answers it, what a
borrow request sends, and a notification; one definition for the registry and the staff
pages that decode it (``services.common.clients.loans``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from services.common.contracts.fields import DocumentId, Name, RowNumber, StoredName, Text
from services.common.models import Category, Role, SecurityLevel, Struct, Username

LoanStatus = Literal["requested", "approved", "rejected", "out", "returned"]
LOAN_STATUSES: tuple[LoanStatus, ...] = ("requested", "approved", "rejected", "out", "returned")
LoanKind = Literal["paper", "digital"]
MAX_DOCUMENTS = 200


class ExternalReader(Struct):
    """A reader who is not a user (another company's staff, an owner; domain.md, People):
    recorded on the loan, with an employee (the ``borrower``) responsible; as stored and
    answered (``WrittenExternalReader``: as a borrow request names them)."""

    name: StoredName
    organisation: StoredName
    id_document: StoredName
    introduction_letter: StoredName


class WrittenExternalReader(ExternalReader):
    """An external reader as a borrow request names them now: each field says something."""

    name: Name
    organisation: Name
    id_document: Name
    introduction_letter: Name


class LoanRequest(Struct):
    """B3: purpose, documents, reason and borrower; ``borrower`` defaults to the caller."""

    documents: Annotated[list[DocumentId], msgspec.Meta(min_length=1,
                                                        max_length=MAX_DOCUMENTS)]
    kind: LoanKind
    purpose: Text
    reason: Text
    borrower: Username | None = None
    external: WrittenExternalReader | None = None


class LoanDocument(Struct):
    """A lent document as the register shows it. For a reader whose clearance is below
    the document's it is a redacted row (``redacted``): counted, with its category and
    level, but no id, archive number, household or title."""

    document_id: str
    archive_no: str
    household: str | None
    category: Category
    security: SecurityLevel
    personal_info: bool
    title: str | None
    redacted: bool = False


class Approval(Struct):
    step: int
    role: Role
    approver: str
    note: str | None
    approved_at: datetime


class RejectionRecord(Struct):
    """Why a request ended ``rejected``: refused at an approval step, or ``withdrawn``
    (撤回) before anything was lent, by its applicant or because the borrower left (B9)."""

    rejected_by: str
    rejected_at: datetime
    reason: str
    withdrawn: bool = False


class ReturnRecord(Struct):
    returned_by: str
    returned_at: datetime
    intact: bool
    note: str | None


class CopyRecord(Struct):
    copy_id: str
    document_id: str
    description: str
    approved_by: str
    checked_by: str
    checked_at: datetime


class Incident(Struct):
    """A loss or damage report (损坏/遗失) opened at a return that was not intact (B5);
    open until an archivist resolves it with what was done (``resolution``)."""

    incident_id: str
    loan_id: str
    note: str | None
    reported_by: str
    reported_at: datetime
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None


class Loan(Struct):
    """A borrow permission (借阅) from request to return.

    ``approvals_needed`` is the chain computed from the documents; ``next_approval`` the
    role whose approval is awaited (null once approved or rejected). ``overdue``: out and
    past ``due_at``; ``escalated_at``: when it was escalated for being held too long (B4).
    """

    loan_id: str
    status: LoanStatus
    kind: LoanKind
    purpose: str
    reason: str
    borrower: str
    borrower_department: str
    requested_by: str
    requested_at: datetime
    external: ExternalReader | None
    documents: list[LoanDocument]
    approvals_needed: list[Role]
    approvals: list[Approval]
    next_approval: Role | None
    rejection: RejectionRecord | None
    issued_by: str | None
    issued_at: datetime | None
    acknowledged_at: datetime | None
    due_at: datetime | None
    renewals: int
    renewed_at: datetime | None
    returned: ReturnRecord | None
    overdue: bool
    escalated_at: datetime | None
    copies: list[CopyRecord]
    incidents: list[Incident]

    @property
    def returned_late(self) -> bool:
        """Returned after its due date (B4), as the yearly statistics count it
        (``returned_late``): the register, the loan's page and ``archive loans`` say so."""
        return (self.returned is not None and self.due_at is not None
                and self.returned.returned_at > self.due_at)


class OpenLoan(Struct):
    """A loan not yet returned, as a refused departure (B9) lists it: its documents by
    archive number (档号) as far as the asker's clearance reaches, the others counted."""

    loan_id: str
    status: LoanStatus
    kind: LoanKind
    due_at: datetime | None
    archive_nos: list[str]
    hidden: int = 0


class WaitingRequest(Struct):
    """A borrow request nobody else could take further (B3), as a refused departure or
    role change lists it: who asked, and the step only the person leaving could give.
    Its documents are not named: the admin who is refused does not read the register."""

    loan_id: str
    borrower: str
    borrower_department: str
    requested_at: datetime
    step: Role
    """The role of the step nobody else could give (``manager``, ``archivist``…)."""


NotificationKind = Literal["loan_past_due", "loan_escalated", "loan_overdue", "loan_approved",
                           "loan_rejected", "correction_applied", "correction_rejected"]
"""``loan_past_due``: to the borrower, once, when the loan falls due and is not returned
(B4); ``loan_escalated``: to the borrower's department heads and the archive when it is
escalated (B4); ``loan_overdue``: the same escalation, to the borrower, who must return it;
``loan_approved`` / ``loan_rejected``: the request decided, to its borrower and whoever
asked for it; ``correction_applied`` / ``correction_rejected``: a correction that waited
for approval decided (D6, D10), to whoever asked for it."""


class NoticeLoan(Struct):
    """The loan a notification is about, as it stands when the notice is read (a renewal
    since shows its new due date): whose it is, when it is due, and its documents by
    archive number (档号) as far as the reader's clearance reaches, the others counted."""

    borrower: str
    borrower_department: str
    due_at: datetime | None
    archive_nos: list[str]
    hidden: int = 0


class NoticeCorrection(Struct):
    """The correction a notification is about: its document by archive number (档号) and
    title, who decided and what they wrote."""

    document_id: str
    archive_no: str
    title: str
    decided_by: str | None
    note: str | None


class Notification(Struct):
    """One recipient's notice, about a loan (``loan_id``) or a correction
    (``correction_id``); ``read_at`` is when they read it (null while unread).
    ``loan`` / ``correction``: what it is about, null where the reader may no longer read
    it."""

    notification_id: int
    kind: NotificationKind
    loan_id: str | None
    message: str
    created_at: datetime
    read_at: datetime | None = None
    loan: NoticeLoan | None = None
    correction_id: str | None = None
    correction: NoticeCorrection | None = None


MAX_MARKED = 1000


class MarkRead(Struct):
    """Which of the caller's notifications to mark read: ``ids``, or ``all`` of them."""

    ids: Annotated[list[RowNumber], msgspec.Meta(max_length=MAX_MARKED)] = msgspec.field(
        default_factory=list)
    all: bool = False


class AwaitingCount(Struct):
    """How many wait for the caller: loan requests for an approval step they may give
    (B3), destruction registers for their signature (R6), corrections for their decision
    (D6, D10)."""

    awaiting: int


class UnreadCount(Struct):
    """The caller's unread notifications (the count on every page)."""

    unread: int
