"""Retention and destruction (R1–R7) as a person works them through the staff pages,
with the signed-in person's own token: the schedule, sweeps and their appraisal, legal
holds, destruction registers and their witnesses.

The views are the parts of the registry's answers a page shows; like the other views of
``reader`` they do not forbid unknown fields. Every move answers the record as it now
stands, or the registry's refusal (an ``ArchiveError`` with its code).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import quote

import msgspec

from services.common.clients.registry import RegistryClient

LIST_PAGE = 100
"""Sweeps, registers or holds a page lists at once (newest first)."""


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


SweepMove = Literal["approve", "reject"]
RegisterFile = Literal["pdf", "csv"]


class RetentionReader(RegistryClient):
    async def schedule(self, token: str) -> ScheduleView:
        return await self.call("GET", "/registry/retention/schedule", ScheduleView,
                               token=token)

    async def replace_schedule(self, token: str, classes: dict[str, str], years: dict[str, int]
                               ) -> ScheduleChangeView:
        return await self.call("PUT", "/registry/retention/schedule", ScheduleChangeView,
                               token=token, json={"classes": classes, "years": years})

    async def sweeps(self, token: str) -> list[SweepSummaryView]:
        return await self.call("GET", "/registry/sweeps", list[SweepSummaryView], token=token,
                               params={"limit": LIST_PAGE})

    async def start_sweep(self, token: str, *, dry_run: bool) -> SweepView:
        return await self.call("POST", "/registry/sweeps", SweepView, token=token,
                               json={"dry_run": dry_run})

    async def sweep(self, token: str, sweep_id: str) -> SweepView:
        return await self.call("GET", f"/registry/sweeps/{_id(sweep_id)}", SweepView,
                               token=token)

    async def appraise(self, token: str, sweep_id: str, *, document_id: str, decision: str,
                       opinion: str) -> SweepItemView:
        return await self.call("POST", f"/registry/sweeps/{_id(sweep_id)}/appraisals",
                               SweepItemView, token=token,
                               json={"document_id": document_id, "decision": decision,
                                     "opinion": opinion})

    async def decide_sweep(self, token: str, sweep_id: str, move: SweepMove,
                           note: str | None) -> SweepView:
        return await self.call("POST", f"/registry/sweeps/{_id(sweep_id)}/{move}", SweepView,
                               token=token, json={"note": note} if note else {})

    async def destructions(self, token: str) -> list[DestructionSummaryView]:
        return await self.call("GET", "/registry/destructions", list[DestructionSummaryView],
                               token=token, params={"limit": LIST_PAGE})

    async def create_destruction(self, token: str, sweep_id: str,
                                 documents: list[str] | None) -> DestructionView:
        body: dict[str, Any] = {"sweep_id": sweep_id}
        if documents is not None:
            body["documents"] = documents
        return await self.call("POST", "/registry/destructions", DestructionView,
                               token=token, json=body)

    async def destruction(self, token: str, destruction_id: str) -> DestructionView:
        return await self.call("GET", f"/registry/destructions/{_id(destruction_id)}",
                               DestructionView, token=token)

    async def witness(self, token: str, destruction_id: str, *, password: str,
                      digest: str | None) -> DestructionView:
        """The signed-in person signs as witness (R6), re-entering their password;
        ``digest`` is the items as they were shown (a change since is refused)."""
        body: dict[str, Any] = {"password": password}
        if digest:
            body["digest"] = digest
        return await self.call("POST",
                               f"/registry/destructions/{_id(destruction_id)}/witness",
                               DestructionView, token=token, json=body)

    async def execute_destruction(self, token: str, destruction_id: str) -> DestructionView:
        return await self.call("POST",
                               f"/registry/destructions/{_id(destruction_id)}/execute",
                               DestructionView, token=token)

    async def register_file(self, token: str, destruction_id: str, kind: RegisterFile
                            ) -> tuple[bytes, str]:
        """The printable register (PDF or CSV) and its content type."""
        response = await self.request(
            "GET", f"/registry/destructions/{_id(destruction_id)}/register.{kind}",
            token=token)
        return response.content, response.headers.get("content-type", "")

    async def holds(self, token: str) -> list[HoldView]:
        return await self.call("GET", "/registry/holds", list[HoldView], token=token,
                               params={"limit": LIST_PAGE})

    async def place_hold(self, token: str, hold: NewHold) -> HoldView:
        return await self.call("POST", "/registry/holds", HoldView, token=token, json=hold)

    async def release_hold(self, token: str, hold_id: str, note: str | None) -> HoldView:
        return await self.call("POST", f"/registry/holds/{_id(hold_id)}/release", HoldView,
                               token=token, json={"note": note} if note else {})


def _id(identifier: str) -> str:
    return quote(identifier, safe="")
