"""Destruction: the API structs of a destruction register (销毁清册), its witnesses (监销人)
and items, and what remains of a destroyed document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.models import Category, RetentionClass, SecurityLevel, Struct

DestructionStatus = Literal[
    "awaiting_witnesses", "witnessed", "executing", "executed", "cancelled",
]
RegisterItemState = Literal["pending", "destroyed", "withheld", "cancelled"]
"""An item of a register: ``pending`` until executed; ``withheld`` when a hold or loan
arrived, or its due date moved on (a move-out), while the register was executing (R7);
``cancelled`` with its register."""
WithheldReason = Literal["on_hold", "on_loan", "not_due"]
DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


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
