"""Retention sweeps: the API structs of sweeps (登记造册), their items and appraisals (鉴定)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.models import Category, RetentionClass, Struct

SweepStatus = Literal["appraisal", "approved", "rejected"]
ItemState = Literal["appraisal", "waiting", "kept", "released", "destroyed"]
"""A sweep item: under ``appraisal``; approved for destruction and ``waiting`` apart (R5);
``kept`` (keep or reappraise applied); ``released`` (sweep rejected); ``destroyed``."""
OPEN_ITEM_STATES: tuple[ItemState, ...] = ("appraisal", "waiting")
"""A document with an item in these states is already in a sweep."""

AppraisalDecision = Literal["destroy", "keep", "reappraise"]
Outcome = Literal["undecided", "destroy", "keep", "reappraise"]
Missing = Literal["second_appraiser", "manager", "engineering", "agreement"]
"""What an undecided item still needs (R2, R4): a second, different appraiser; a
``manager`` among those who agree; an appraiser from ``engineering`` for an engineering
document; or, everyone needed having appraised, the same decision."""
Opinion = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


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
    title: str | None = None
    """The document's title as the catalogue has it now (not stored with the sweep)."""
    missing: list[Missing] = msgspec.field(default_factory=list)
    """Under appraisal: what the item still needs before it is decided (R2, R4)."""
    held: bool = False
    """A legal hold covers the document now: it will not be destroyed (R7)."""
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
