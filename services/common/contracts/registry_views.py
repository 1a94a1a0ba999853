"""The registry's answers as a person reads them through the staff pages
(``services.web``), decoded by ``services.common.clients.reader.RegistryReader``.

The views are the parts of the registry's answers a page shows; like ``ExtractedText``
they do not forbid unknown fields, so the registry may add fields without breaking them.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from services.common.models import SecurityLevel


class IssuedToken(msgspec.Struct, kw_only=True):
    access_token: str
    expires_in: int
    """Seconds the token is good for."""


class OccupancyView(msgspec.Struct, kw_only=True):
    """One occupant's part of the file (入住至退租); closed once ``moved_out`` (D3)."""

    occupancy_id: int
    occupant: str
    moved_in: date
    moved_out: date | None


class HouseholdView(msgspec.Struct, kw_only=True):
    """A household: ``label`` is the current occupant (D2), ``occupants`` oldest first."""

    household: str
    building: str
    floor: int
    label: str | None
    occupied: bool
    occupants: list[OccupancyView]


class VersionView(msgspec.Struct, kw_only=True):
    """One version of a document's metadata (D6): who, when, why, what changed."""

    version: int
    changes: dict[str, list[object]]
    changed_by: str
    changed_at: datetime
    reason: str
    approved_by: str | None


class CategoryCountsView(msgspec.Struct, kw_only=True):
    total: int
    by_category: dict[str, int]


class BorrowedView(msgspec.Struct, kw_only=True):
    loans: int
    documents: int


class HandedOverView(msgspec.Struct, kw_only=True):
    handovers: int
    documents: int


class MonthView(msgspec.Struct, kw_only=True):
    month: int
    received: int
    destroyed: int
    loans: int


class ChecksView(msgspec.Struct, kw_only=True):
    """The year's inventories and condition checks (O3)."""

    organised: int
    unresolved: int
    inventories: int = 0
    discrepancies: int = 0
    condition_checks: int = 0
    with_problems: int = 0


class YearReport(msgspec.Struct, kw_only=True):
    """The yearly statistics (年度统计, O2) as the registry counts them."""

    year: int
    as_of: datetime
    so_far: bool
    received: CategoryCountsView
    holdings: CategoryCountsView
    destroyed: CategoryCountsView
    borrowed: BorrowedView
    transferred_out: CategoryCountsView
    handed_over: HandedOverView
    returned: int
    overdue: int
    checks: ChecksView
    months: list[MonthView]


class UserView(msgspec.Struct, kw_only=True):
    """An employee's account as the registry lists it."""

    username: str
    roles: list[str]
    clearance: SecurityLevel
    department: str | None
    active: bool
    created_at: datetime
    deactivated_at: datetime | None = None


class NewAccount(msgspec.Struct, kw_only=True, omit_defaults=True):
    username: str
    roles: list[str]
    clearance: str = "ordinary"
    department: str | None = None
    password: str | None = None
