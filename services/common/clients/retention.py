"""Retention and destruction (R1–R7) as a person works them through the staff pages,
with the signed-in person's own token: the schedule, sweeps and their appraisal, legal
holds, destruction registers and their witnesses.

What it decodes is ``services.common.contracts.retention``. Every move answers the
record as it now stands, or the registry's refusal (an ``ArchiveError`` with its code).
"""

from __future__ import annotations

from typing import Any, Literal

from services.common.clients import segment
from services.common.clients.registry import RegistryClient
from services.common.contracts.lending import AwaitingCount
from services.common.contracts.retention import (
    Destruction,
    DestructionSummary,
    DisposalStanding,
    Hold,
    HoldCount,
    HoldStatus,
    NewHold,
    RetentionSchedule,
    ScheduleChange,
    Sweep,
    SweepItem,
    SweepRequest,
    SweepSummary,
)
from services.common.paging import LIST_PAGE, MAX_SUMMARY_PAGE

SweepMove = Literal["approve", "reject"]
RegisterFile = Literal["pdf", "csv"]


class RetentionReader(RegistryClient):
    async def schedule(self, token: str) -> RetentionSchedule:
        return await self.call("GET", "/registry/retention/schedule", RetentionSchedule,
                               token=token)

    async def replace_schedule(self, token: str, classes: dict[str, str], years: dict[str, int]
                               ) -> ScheduleChange:
        return await self.call("PUT", "/registry/retention/schedule", ScheduleChange,
                               token=token, json={"classes": classes, "years": years})

    async def sweeps(self, token: str) -> list[SweepSummary]:
        return await self.call("GET", "/registry/sweeps", list[SweepSummary], token=token,
                               params={"limit": LIST_PAGE})

    async def sweeps_awaiting_approval_count(self, token: str) -> int:
        """How many sweeps wait for the director's approval, however old (R2)."""
        return (await self.call("GET", "/registry/sweeps/awaiting-count", AwaitingCount,
                                token=token)).awaiting

    async def disposal(self, token: str, document_id: str) -> DisposalStanding | None:
        """Where the document stands on its way to destruction; none when no sweep lists it."""
        found = await self.call("GET", f"/registry/documents/{segment(document_id)}/disposal",
                                list[DisposalStanding], token=token)
        return found[0] if found else None

    async def start_sweep(self, token: str, request: SweepRequest) -> Sweep:
        return await self.call("POST", "/registry/sweeps", Sweep, token=token, json=request)

    async def sweep(self, token: str, sweep_id: str) -> Sweep:
        return await self.call("GET", f"/registry/sweeps/{segment(sweep_id)}", Sweep,
                               token=token)

    async def appraise(self, token: str, sweep_id: str, *, document_id: str, decision: str,
                       opinion: str) -> SweepItem:
        return await self.call("POST", f"/registry/sweeps/{segment(sweep_id)}/appraisals",
                               SweepItem, token=token,
                               json={"document_id": document_id, "decision": decision,
                                     "opinion": opinion})

    async def decide_sweep(self, token: str, sweep_id: str, move: SweepMove,
                           note: str | None) -> Sweep:
        return await self.call("POST", f"/registry/sweeps/{segment(sweep_id)}/{move}", Sweep,
                               token=token, json={"note": note} if note else {})

    async def destructions(self, token: str) -> list[DestructionSummary]:
        return await self.call("GET", "/registry/destructions", list[DestructionSummary],
                               token=token, params={"limit": LIST_PAGE})

    async def awaiting_signature(self, token: str) -> list[DestructionSummary]:
        """The registers waiting for the caller's signature as a witness (R6), oldest
        first."""
        return await self.call("GET", "/registry/destructions/awaiting",
                               list[DestructionSummary], token=token)

    async def awaiting_signature_count(self, token: str) -> int:
        return (await self.call("GET", "/registry/destructions/awaiting-count",
                                AwaitingCount, token=token)).awaiting

    async def create_destruction(self, token: str, sweep_id: str,
                                 documents: list[str] | None) -> Destruction:
        body: dict[str, Any] = {"sweep_id": sweep_id}
        if documents is not None:
            body["documents"] = documents
        return await self.call("POST", "/registry/destructions", Destruction,
                               token=token, json=body)

    async def destruction(self, token: str, destruction_id: str) -> Destruction:
        return await self.call("GET", f"/registry/destructions/{segment(destruction_id)}",
                               Destruction, token=token)

    async def witness(self, token: str, destruction_id: str, *, password: str,
                      digest: str | None) -> Destruction:
        """The signed-in person signs as witness (R6), re-entering their password;
        ``digest`` is the items as they were shown (a change since is refused)."""
        body: dict[str, Any] = {"password": password}
        if digest:
            body["digest"] = digest
        return await self.call("POST",
                               f"/registry/destructions/{segment(destruction_id)}/witness",
                               Destruction, token=token, json=body)

    async def execute_destruction(self, token: str, destruction_id: str) -> Destruction:
        return await self.call("POST",
                               f"/registry/destructions/{segment(destruction_id)}/execute",
                               Destruction, token=token)

    async def cancel_destruction(self, token: str, destruction_id: str) -> Destruction:
        """Withdraw a register not yet executing; its items wait for another one."""
        return await self.call("POST",
                               f"/registry/destructions/{segment(destruction_id)}/cancel",
                               Destruction, token=token)

    async def register_file(self, token: str, destruction_id: str, kind: RegisterFile
                            ) -> tuple[bytes, str]:
        """The printable register (PDF or CSV) and its content type."""
        response = await self.request(
            "GET", f"/registry/destructions/{segment(destruction_id)}/register.{kind}",
            token=token)
        return response.content, response.headers.get("content-type", "")

    async def holds(self, token: str, *, document_id: str | None = None,
                    status: HoldStatus | None = None, limit: int = LIST_PAGE,
                    offset: int = 0) -> list[Hold]:
        """Holds, newest first; ``document_id``: those covering that document."""
        params: dict[str, str | int] = {"limit": limit, "offset": offset}
        if document_id is not None:
            params["document_id"] = document_id
        if status is not None:
            params["status"] = status
        return await self.call("GET", "/registry/holds", list[Hold], token=token,
                               params=params)

    async def hold_count(self, token: str, *, status: HoldStatus,
                         hold_id: str | None = None) -> HoldCount:
        """How many holds of ``status`` there are, as ``holds`` lists them, and with
        ``hold_id`` how many it lists before that one (``GET /registry/holds/count``)."""
        params = {"status": status} | ({"hold": hold_id} if hold_id else {})
        return await self.call("GET", "/registry/holds/count", HoldCount, token=token,
                               params=params)

    async def holds_bearing_on(self, token: str, household: str) -> list[Hold]:
        """Every active hold bearing on ``household``'s file (R7), newest first, however
        many holds the archive has (``GET /registry/holds?household=``)."""
        return await self.every("/registry/holds", list[Hold], page_size=MAX_SUMMARY_PAGE,
                                token=token, params={"status": "active",
                                                     "household": household})

    async def place_hold(self, token: str, hold: NewHold) -> Hold:
        return await self.call("POST", "/registry/holds", Hold, token=token, json=hold)

    async def release_hold(self, token: str, hold_id: str, note: str | None) -> Hold:
        return await self.call("POST", f"/registry/holds/{segment(hold_id)}/release", Hold,
                               token=token, json={"note": note} if note else {})

