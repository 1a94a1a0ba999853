"""Retention and destruction (R1–R7) as the staff pages read the registry's answers: the
schedule, sweeps and their appraisal, destruction registers and their witnesses, legal
holds. Like the other views in ``registry_views`` they do not forbid unknown fields, so
the registry may add fields without breaking the pages.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class RetentionYearsView(msgspec.Struct, kw_only=True):
    long: int
    short: int


class ScheduleView(msgspec.Struct, kw_only=True):
    """The retention schedule (R1): category → class, and the years of the classes."""

    classes: dict[str, str]
    years: RetentionYearsView
    updated_at: datetime | None
    updated_by: str | None


class ScheduleChangeView(msgspec.Struct, kw_only=True):
    schedule: ScheduleView
    documents_recomputed: int


class AppraisalView(msgspec.Struct, kw_only=True):
    appraiser: str
    roles: list[str]
    department: str | None
    decision: str
    opinion: str
    at: datetime


class SweepItemView(msgspec.Struct, kw_only=True):
    document_id: str
    archive_no: str
    category: str
    disposal_due: date
    state: str
    outcome: str
    new_disposal_due: date | None = None
    title: str | None = None
    appraisals: list[AppraisalView] = msgspec.field(default_factory=list)
    missing: list[str] = msgspec.field(default_factory=list)
    """What the item still needs before it is decided, as the registry's rules say."""
    held: bool = False
    redacted: bool = False


class SweepView(msgspec.Struct, kw_only=True):
    sweep_id: str | None
    """None for a dry run."""
    status: str
    as_of: date
    items: list[SweepItemView]
    created_by: str
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    destroy_after: date | None = None


class SweepSummaryView(msgspec.Struct, kw_only=True):
    sweep_id: str
    status: str
    as_of: date
    created_by: str
    created_at: datetime
    items: int
    destroy_after: date | None = None


class WitnessView(msgspec.Struct, kw_only=True):
    username: str
    signed_at: datetime


class RegisterItemView(msgspec.Struct, kw_only=True):
    position: int
    document_id: str
    archive_no: str
    title: str
    category: str
    state: str
    label: str
    """What the register prints for the item (R6: 已销毁 once destroyed)."""
    destroyed_at: datetime | None = None
    redacted: bool = False


class DestructionView(msgspec.Struct, kw_only=True):
    """A destruction register (销毁清册); ``digest`` is what a witness signs."""

    destruction_id: str
    sweep_id: str
    status: str
    created_by: str
    created_at: datetime
    witnesses: list[WitnessView]
    items: list[RegisterItemView]
    digest: str | None = None
    witnesses_missing: int = 0
    """How many more different witnesses must sign (R6), as the registry counts them."""
    approved_by: str | None = None
    destroy_after: date | None = None
    executed_by: str | None = None
    executed_at: datetime | None = None


class DestructionSummaryView(msgspec.Struct, kw_only=True):
    destruction_id: str
    sweep_id: str
    status: str
    created_at: datetime
    items: int
    executed_at: datetime | None = None


class HoldView(msgspec.Struct, kw_only=True):
    hold_id: str
    status: str
    reason: str
    documents: list[str]
    household: str | None
    category: str | None
    placed_by: str
    placed_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_note: str | None = None
    documents_withheld: int = 0


class NewHold(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A legal hold (R7) as the registry takes it."""

    reason: str
    documents: list[str] | None = None
    household: str | None = None
    category: str | None = None
