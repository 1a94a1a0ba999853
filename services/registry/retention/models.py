"""Retention's API structs: sweeps, appraisals, legal holds, destruction registers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.models import Category, RetentionClass, SecurityLevel, Struct

SweepStatus = Literal["appraisal", "approved", "rejected"]
ItemState = Literal["appraisal", "waiting", "kept", "released", "destroyed"]
"""A sweep item: under ``appraisal``; approved for destruction and ``waiting`` apart (R5);
``kept`` (keep or reappraise applied); ``released`` (sweep rejected); ``destroyed``."""
OPEN_ITEM_STATES: tuple[ItemState, ...] = ("appraisal", "waiting")
"""A document with an item in these states is already in a sweep."""

AppraisalDecision = Literal["destroy", "keep", "reappraise"]
Outcome = Literal["undecided", "destroy", "keep", "reappraise"]
HoldStatus = Literal["active", "released"]
DestructionStatus = Literal[
    "awaiting_witnesses", "witnessed", "executing", "executed", "cancelled",
]
RegisterItemState = Literal["pending", "destroyed", "withheld", "cancelled"]
"""An item of a register: ``pending`` until executed; ``withheld`` when a hold or loan
arrived, or its due date moved on (a move-out), while the register was executing (R7);
``cancelled`` with its register."""
WithheldReason = Literal["on_hold", "on_loan", "not_due"]

Opinion = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


# --- sweeps ------------------------------------------------------------------------------


class SweepRequest(Struct):
    """Start a sweep (登记造册): documents due by ``as_of`` (default today)."""

    as_of: date | None = None
    categories: list[Category] | None = None
    dry_run: bool = False


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
    """The due date keep or reappraise set at approval (R3)."""
    appraisals: list[Appraisal] = msgspec.field(default_factory=list)
    redacted: bool = False
    """The reader is not cleared for the document: the row is counted, not named."""


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


class SweepSummary(Struct):
    sweep_id: str
    status: SweepStatus
    as_of: date
    created_by: str
    created_at: datetime
    items: int
    destroy_after: date | None = None


class AppraisalRequest(Struct):
    """One appraiser's decision (R2–R4). ``keep`` may extend to ``keep_until`` or
    reclassify to ``keep_class`` (default: a new full period of the current class);
    ``reappraise`` appraises again in a year (R3)."""

    document_id: DocumentId
    decision: AppraisalDecision
    opinion: Opinion
    keep_until: date | None = None
    keep_class: RetentionClass | None = None


class SweepDecision(Struct):
    """The director's approval or rejection of a sweep's list."""

    note: Note | None = None


# --- legal holds -------------------------------------------------------------------------


class HoldRequest(Struct):
    """A legal hold (R7) on named documents, or on a household and/or a category."""

    reason: Reason
    documents: list[DocumentId] | None = None
    household: str | None = None
    category: Category | None = None


class HoldRelease(Struct):
    note: Note | None = None


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


# --- destruction -------------------------------------------------------------------------


class DestructionRequest(Struct):
    """A register of the sweep's approved items past ``destroy_after``; ``documents``
    picks some of them (e.g. leaving out one that is held)."""

    sweep_id: DocumentId
    documents: list[DocumentId] | None = None


class WitnessSignature(Struct):
    """A witness (监销人) re-enters their own password: a token alone cannot sign.
    ``digest`` is the register's ``digest`` as the witness checked it: if the items
    changed since, the signature is refused (409 ``register_changed``)."""

    password: Password
    digest: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")] | None = None


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
