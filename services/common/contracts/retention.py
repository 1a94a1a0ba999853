"""The registry's retention wire contract (R1–R7): the schedule, sweeps (登记造册) and
their appraisals (鉴定), destruction registers (销毁清册) and their witnesses (监销人), and
legal holds, as the registry answers them; one definition for the registry and the staff
pages that decode it (``services.common.clients.retention``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.models import Category, RetentionClass, SecurityLevel, Struct

Years = Annotated[int, msgspec.Meta(ge=1, le=200)]


class RetentionYears(Struct):
    """Years of the limited classes: ``long`` 长期 (default 30), ``short`` 短期 (default 10)."""

    long: Years
    short: Years


class RetentionSchedule(Struct):
    classes: dict[Category, RetentionClass]
    years: RetentionYears
    updated_at: datetime | None
    updated_by: str | None


class ScheduleChange(Struct):
    schedule: RetentionSchedule
    documents_recomputed: int


SweepStatus = Literal["appraisal", "approved", "rejected"]
ItemState = Literal["appraisal", "waiting", "kept", "released", "no_longer_due", "destroyed"]
"""A sweep item: under ``appraisal``; approved for destruction and ``waiting`` apart (R5);
``kept`` (keep or reappraise applied); ``released`` (sweep rejected); ``no_longer_due``
(its document's due date moved past the sweep's ``as_of`` while the item was open — a
move-out, a correction, a schedule change —: it left the sweep, and a later sweep takes
the document when it is due again); ``destroyed``."""
AppraisalDecision = Literal["destroy", "keep", "reappraise"]
Outcome = Literal["undecided", "destroy", "keep", "reappraise"]
Missing = Literal["second_appraiser", "manager", "engineering", "agreement"]
"""What an undecided item still needs (R2, R4): a second, different appraiser; a
``manager`` among those who agree; an appraiser from ``engineering`` for an engineering
document; or, everyone needed having appraised, the same decision."""


class Appraisal(Struct):
    """One appraiser's decision on one item, with the opinion exactly as written."""

    appraiser: str
    roles: list[str]
    department: str | None
    decision: AppraisalDecision
    opinion: str
    at: datetime
    keep_until: date | None = None
    keep_class: RetentionClass | None = None


class EarlierAppraisal(Struct):
    """The document's appraisal (鉴定) in an earlier sweep: which sweep, each appraiser's
    decision and opinion as written, what was agreed and, once approved, the due date
    it set (the extension of a keep or reappraise, R3)."""

    sweep_id: str
    as_of: date
    """The earlier sweep's 到期截至."""
    started_at: datetime
    sweep_status: SweepStatus
    state: ItemState
    """What became of the item there (``kept``: extended; ``released``: the list was
    sent back; ``no_longer_due``: it left that sweep)."""
    outcome: Outcome
    appraisals: list[Appraisal]
    keep_until: date | None = None
    keep_class: RetentionClass | None = None
    new_disposal_due: date | None = None
    """The due date that sweep's approval set (keep, reappraise)."""


class SweepItem(Struct):
    document_id: str
    archive_no: str
    category: Category
    disposal_due: date
    state: ItemState = "appraisal"
    outcome: Outcome = "undecided"
    keep_until: date | None = None
    keep_class: RetentionClass | None = None
    new_disposal_due: date | None = None
    """The due date keep or reappraise set at approval (R3); for an item
    ``no_longer_due``, the document's due date when it left the sweep (null: permanent;
    when and why it left: its audit entry ``sweep_item_no_longer_due``)."""
    appraisals: list[Appraisal] = msgspec.field(default_factory=list)
    earlier: list[EarlierAppraisal] = msgspec.field(default_factory=list)
    """The document's appraisals in earlier sweeps, latest first: what was decided before
    and why, so it is not appraised blind when it is due again (after a keep or a
    reappraise); none for an item the reader is not cleared for."""
    title: str | None = None
    """The document's title as the catalogue has it now (not stored with the sweep)."""
    missing: list[Missing] = msgspec.field(default_factory=list)
    """Under appraisal: what the item still needs before it is decided (R2, R4)."""
    held: bool = False
    """A legal hold covers the document now: it will not be destroyed (R7)."""
    on_loan: bool = False
    """A loan has the document out now: no register takes it until it is returned (409
    ``on_loan``), so whoever draws up the register knows which one to leave out."""
    destruction_id: str | None = None
    """The destruction register (销毁清册) that lists the item, not executed yet: another
    register does not take it."""
    redacted: bool = False
    """The reader is not cleared for the document: the row is counted, not named."""


class DisposalStanding(Struct):
    """Where a document stands on its way to destruction (R2–R6): listed by the open sweep
    ``sweep_id`` (of the documents due by ``as_of``), its item under ``appraisal`` or, the
    sweep approved, ``waiting`` to be destroyed from ``destroy_after`` on (R5); and the
    register (销毁清册) not executed yet that lists it, with that register's status."""

    sweep_id: str
    as_of: date
    state: ItemState
    outcome: Outcome
    destroy_after: date | None = None
    destruction_id: str | None = None
    destruction_status: DestructionStatus | None = None
    stopped_by: WithheldReason | None = None
    """Once ``waiting``: what stops the document being destroyed now (a legal hold, a
    loan; ``not_due``: its due date moved on), as a register's item says it; else null."""


class SweepRequest(Struct):
    """Start a sweep (登记造册): documents due by ``as_of`` (default today)."""

    as_of: date | None = None
    categories: list[Category] | None = None
    dry_run: bool = False


class Sweep(Struct):
    """A retention sweep; ``sweep_id`` is null for a dry run (nothing recorded)."""

    sweep_id: str | None
    status: SweepStatus | Literal["dry_run"]
    as_of: date
    categories: list[Category] | None
    items: list[SweepItem]
    created_by: str
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    destroy_after: date | None = None
    """Set at approval: items decided ``destroy`` wait apart until then (R5)."""
    left_on_loan: list[str] = msgspec.field(default_factory=list)
    """Only in the answer that starts it (or a dry run): the archive numbers of the
    documents due by ``as_of`` it leaves out because a loan has them out (a sweep started
    once they are returned lists them), so they are chased, not forgotten; one the reader
    is not cleared for is counted as an empty string, not named."""

    @property
    def undecided(self) -> int:
        """Items under appraisal two appraisers have not agreed on yet (R2)."""
        return sum(1 for item in self.items
                   if item.state == "appraisal" and item.outcome == "undecided")

    @property
    def awaiting_approval(self) -> bool:
        """Appraisal is complete: the director approves or rejects it next."""
        return awaits_approval(self.status, self.undecided)


def awaits_approval(status: str, undecided: int) -> bool:
    """A sweep under appraisal none of whose items is undecided waits for the director
    (R2): its list, its page and the director's header say so alike."""
    return status == "appraisal" and undecided == 0


class SweepSummary(Struct):
    sweep_id: str
    status: SweepStatus
    as_of: date
    created_by: str
    created_at: datetime
    items: int
    destroy_after: date | None = None
    waiting: int = 0
    """Items approved for destruction and not destroyed yet (held, lent, on a register or
    to be put on one): the work an approved sweep still asks for."""
    undecided: int = 0
    """Items under appraisal two appraisers have not agreed on yet (R2); none left in a
    sweep under appraisal, it waits for the director's approval."""

    @property
    def awaiting_approval(self) -> bool:
        """Appraisal is complete: the director approves or rejects it next."""
        return awaits_approval(self.status, self.undecided)


DestructionStatus = Literal[
    "awaiting_witnesses", "witnessed", "executing", "executed", "cancelled",
]
DESTRUCTION_STATUS_NAMES: dict[DestructionStatus, str] = {
    "awaiting_witnesses": "等待监销人签字", "witnessed": "监销人已签字", "executing": "正在销毁",
    "executed": "已销毁", "cancelled": "已撤回",
}
"""A register's status in words, on the register printed and on the pages alike."""
SIGNABLE: tuple[DestructionStatus, ...] = ("awaiting_witnesses", "witnessed")
"""A register is signed, and may be cancelled, before its execution begins."""
RegisterItemState = Literal["pending", "destroyed", "withheld", "cancelled"]
"""An item of a register: ``pending`` until executed; ``withheld`` when a hold or loan
arrived, or its due date moved on (a move-out), while the register was executing (R7);
``cancelled`` with its register."""
WithheldReason = Literal["on_hold", "on_loan", "not_due"]
STOP_NAMES: dict[WithheldReason, str] = {
    "on_hold": "处于法律保全中，不能销毁", "on_loan": "正在借出，归还后才能销毁",
    "not_due": "已不再到期（例如业主迁出后重新起算），不能销毁"}
"""What the registry says stops a register's item being destroyed now, in words (the
register's page, the audit log's reason for an item withheld)."""


REGISTER_SECURITY_NAMES: dict[SecurityLevel, str] = {
    "ordinary": "普通", "confidential": "机密（粉碎）", "secret": "绝密（粉碎）"}
"""An item's security level as the destruction register gives it, printed and on the
pages (R6: confidential material is shredded, and the witnesses check it is)."""


class Witness(Struct):
    """A witness's signature (R6): who, when, and the digest of the items they signed."""

    username: str
    signed_at: datetime
    digest: str | None = None


class RegisterItem(Struct):
    """One line of the destruction register (销毁清册); ``label`` is what it prints."""

    position: int
    document_id: str
    archive_no: str
    title: str
    category: Category
    household: str | None
    filed_at: date
    retention_class: RetentionClass
    disposal_due: date | None
    pages: int
    security: SecurityLevel
    state: RegisterItemState
    label: str
    destroyed_at: datetime | None = None
    withheld_reason: WithheldReason | None = None
    stopped_by: WithheldReason | None = None
    """Until the register's execution begins: what stops this pending item being
    destroyed today (a legal hold, a loan, a due date moved on). While any item is
    stopped the execution is refused (409); the register may be cancelled instead."""
    redacted: bool = False
    """The reader is not cleared for the document: the row is counted, not named."""


class Destruction(Struct):
    """A destruction register (销毁清册), kept forever. ``digest`` is what a witness signs:
    the SHA-256 of the items' document ids, SHA-256s and archive numbers (R6)."""

    destruction_id: str
    sweep_id: str
    status: DestructionStatus
    created_by: str
    created_at: datetime
    witnesses: list[Witness]
    items: list[RegisterItem]
    digest: str | None = None
    witnesses_missing: int = 0
    """How many more different witnesses must sign before it is executed (R6)."""
    approved_by: str | None = None
    approved_at: datetime | None = None
    destroy_after: date | None = None
    executed_by: str | None = None
    execution_started_at: datetime | None = None
    executed_at: datetime | None = None
    cancelled_by: str | None = None
    cancelled_at: datetime | None = None


class DestructionSummary(Struct):
    destruction_id: str
    sweep_id: str
    status: DestructionStatus
    created_at: datetime
    items: int
    executed_at: datetime | None = None


class Tombstone(Struct):
    """What remains of a destroyed document: when, by which register, who witnessed."""

    document_id: str
    archive_no: str
    destruction_id: str
    sweep_id: str
    destroyed_at: datetime
    witnesses: list[str]
    approved_by: str | None


HoldStatus = Literal["active", "released"]


class Hold(Struct):
    hold_id: str
    status: HoldStatus
    reason: str
    documents: list[str]
    household: str | None
    category: Category | None
    placed_by: str
    placed_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_note: str | None = None
    documents_withheld: int = 0
    """Documents of the hold the reader is not cleared to know of (not in ``documents``)."""
    archive_nos: list[str] = msgspec.field(default_factory=list)
    """The archive numbers (档号) of ``documents``, in their order, as a listing names them."""
    covers_now: int = 0
    """The archive's documents (not destroyed, not transferred out) an active hold covers
    now that the reader is cleared to see (up to ``counted_up_to``): those it names, or
    those of its household and/or category; 0 for a released hold. The hold covers the
    others too (R7); counting them would tell an uncleared reader that they exist. A
    household or category hold also covers documents filed there later (R7), so 0 there
    is a hold waiting for them, as far as the reader may know."""
    counted_up_to: SecurityLevel = "secret"
    """The reader's clearance: ``covers_now`` counts documents up to it. Below ``secret``,
    a household or category hold also covers any documents above it (``covers_unseen``),
    said the same way whatever the archive holds, so it tells nothing."""
    redacted: bool = False
    """The hold names documents only and the reader is cleared for none of them: the row
    is counted, its reason and release note withheld (blank, none), as a redacted row of
    the loan register is. A household or category hold is never redacted: its scope is
    not a document."""

    @property
    def names_documents_only(self) -> bool:
        return self.household is None and self.category is None

    @property
    def covers_unseen(self) -> bool:
        """An active household or category hold read by someone not cleared for every
        level: it also covers any documents above their clearance, uncounted. Decided by
        the scope and the reader alone, never by the documents, so it reveals none."""
        return (self.status == "active" and not self.names_documents_only
                and self.counted_up_to != "secret")


class HoldCount(Struct):
    """How many holds a list (``GET /registry/holds``) holds with the same filters, on
    every page (``GET /registry/holds/count``); asked with ``hold``, ``before`` is how
    many it lists before that hold (its row's offset, so the page holding it), null
    when it does not list it."""

    count: int
    before: int | None = None


class NewHold(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A legal hold as the staff pages send it: the form's words as typed, which the
    registry judges against its own request body (``registry.holds.models.HoldRequest``;
    an unknown category is its 400)."""

    reason: str
    documents: list[str] | None = None
    household: str | None = None
    category: str | None = None
