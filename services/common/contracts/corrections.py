"""Corrections (更正, D6, D10): a change of a document's catalogue record as asked
(``CorrectionRequest``) and as answered (``Correction``), and who must approve one
(``approvers_for``): the registry decides with it, the staff pages say it.

A correction that lowers protection (D10: security lowered or ``personal_info``
cleared) waits for a ``director`` or ``center_head``; one that moves the document to
another household's file (D11), or one of a working document (D6), for a ``manager``;
one that only raises protection applies at once, working or not. A correction of a
registered occupancy (D12: its occupant's name, move-in or move-out) is in the same
queue, asked for as ``OccupancyCorrectionRequest``, and waits for a ``manager`` too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.auth import Principal
from services.common.contracts.fields import Text
from services.common.contracts.households import OccupancyChanges, WrittenOccupancyChanges
from services.common.contracts.registry import (
    CorrectionLimit,
    DocumentRecord,
    PaperLocation,
    StoredTitle,
    Title,
)
from services.common.filing import RECORD_CORRECTORS
from services.common.models import MAX_HOUSEHOLD, Role, SecurityLevel, Struct, security_rank

UNSET = msgspec.UNSET
Unset = msgspec.UnsetType
MAX_LANGUAGE = 16


class MetadataChanges(Struct):
    """The correctable fields; a field left out is unchanged. A new ``household`` (None:
    a company document) moves a misfiled document to the right file; a new household,
    category or filing year gives it a new archive number (D11). As stored with a pending
    correction (``WrittenMetadataChanges``: as a correction asks for them)."""

    title: StoredTitle | Unset = UNSET
    category: str | Unset = UNSET
    filed_at: date | Unset = UNSET
    household: Annotated[str, msgspec.Meta(max_length=MAX_HOUSEHOLD)] | Unset | None = UNSET
    security: SecurityLevel | Unset = UNSET
    personal_info: bool | Unset = UNSET
    working: bool | Unset = UNSET
    location: PaperLocation | Unset | None = UNSET
    is_copy: bool | Unset = UNSET
    language: Annotated[str, msgspec.Meta(max_length=MAX_LANGUAGE)] | Unset | None = UNSET


class WrittenMetadataChanges(MetadataChanges):
    """The changes as a correction asks for them now: a title says something."""

    title: Title | Unset = UNSET


class CorrectionRequest(Struct):
    """D6: a correction says why; on a working document it waits for a manager.

    ``base_version``: the version of the record the correction was written against (the
    one a form showed); refused (409 ``stale_correction``) when the record is at another,
    so a correction written against values someone changed meanwhile never puts them
    back. Left out, the correction applies to the record as it is."""

    changes: WrittenMetadataChanges
    reason: Text
    base_version: Annotated[int, msgspec.Meta(ge=1)] | None = None


class OccupancyCorrectionRequest(Struct):
    """D12: a correction of a registered occupancy says why, and waits for a manager.

    ``shown``: the occupancy as the form showed it; refused (409 ``stale_correction``)
    when it reads otherwise now, so a correction written against values someone changed
    meanwhile never puts them back. Left out, it applies to the occupancy as it is."""

    changes: WrittenOccupancyChanges
    reason: Text
    shown: OccupancyChanges | None = None


CorrectionStatus = Literal["pending", "applied", "rejected", "withdrawn"]
"""``withdrawn``: taken back by its proposer while pending (撤回); the record unchanged."""


class CorrectionDocument(Struct):
    """The document a listed correction is about, as it stands now: its archive number
    (档号), title and version (not the correction's ``base_version``: it changed since,
    and approving is refused, ``stale_correction``), and ``current``, the values now of
    the fields the correction changes (what its ``changes`` replace)."""

    archive_no: str
    title: str
    version: int
    current: dict[str, object]


class CorrectionOccupancy(Struct):
    """The occupancy a listed correction is about (D12), as it stands now: its household
    and ``current``, the values now of the fields the correction changes."""

    household: str
    occupancy_id: int
    current: dict[str, object]


class Correction(Struct):
    """A correction (更正) of a document's metadata, applied as a new version; or of a
    registered occupancy (D12: ``occupancy_id``, no ``document_id`` nor ``base_version``),
    applied to the occupants history."""

    correction_id: str
    document_id: str | None
    base_version: int | None
    changes: dict[str, object]
    reason: str
    requested_by: str
    requested_at: datetime
    status: CorrectionStatus
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    version: int | None = None
    """The version the correction made, once applied."""
    before: dict[str, object] | None = None
    """The values ``changes`` replace, as the record had them at ``base_version``; of an
    occupancy (D12), the whole occupancy as it read when asked (approving is refused,
    ``stale_correction``, once it reads otherwise)."""
    document: CorrectionDocument | None = None
    """In a list (``GET /registry/corrections``), and in the answer to a request left
    pending: the document as it stands now."""
    occupancy_id: int | None = None
    """A correction of an occupancy (D12): which."""
    occupancy: CorrectionOccupancy | None = None
    """In a list: the occupancy as it stands now."""
    approvers: list[Role] = msgspec.field(default_factory=list)
    """In a list, and in the answer to a request left pending: the roles that approve
    it now (``approvers_for``); empty once decided, or when it applied at once."""


class CorrectionCount(Struct):
    """How many corrections a list (``GET /registry/corrections``) holds with the same
    filters, on every page, as far as the caller sees them
    (``GET /registry/corrections/count``)."""

    count: int


LOWERING_APPROVERS: tuple[Role, ...] = ("director", "center_head")
"""D10: who approves lowering a document's protection."""
WORKING_APPROVERS: tuple[Role, ...] = ("manager",)
"""D6: who approves changes to a working document; D11: and every move of a document to
another household's file; D12: and every correction of an occupancy."""
CORRECTION_DECIDERS: tuple[Role, ...] = (*WORKING_APPROVERS, *LOWERING_APPROVERS)
"""Who may decide a pending correction; which of them, ``approvers_for`` says."""
CORRECTION_READERS: tuple[str, ...] = (*RECORD_CORRECTORS, *CORRECTION_DECIDERS)
"""Who reads the corrections: those who ask for them and those who decide them."""
PROTECTION_FIELDS = frozenset({"security", "personal_info"})


def lowers_protection(record: DocumentRecord, changes: MetadataChanges) -> bool:
    """D10: the correction lowers the security level or clears ``personal_info``."""
    lowered = (changes.security is not msgspec.UNSET
               and security_rank(changes.security) < security_rank(record.security))
    cleared = changes.personal_info is False and record.personal_info
    return lowered or cleared


def moves_household(record: DocumentRecord, changes: MetadataChanges) -> bool:
    """D11: the correction moves the document to another household's file."""
    return changes.household is not msgspec.UNSET \
        and (changes.household or None) != record.household


def approvers_for(record: DocumentRecord, changes: MetadataChanges) -> tuple[Role, ...]:
    """Who must approve the correction; empty when it applies at once."""
    if lowers_protection(record, changes):
        return LOWERING_APPROVERS
    changed = {name for name, value in msgspec.structs.asdict(changes).items()
               if value is not msgspec.UNSET}
    if changed <= PROTECTION_FIELDS:  # D10: raising protection takes effect at once
        return ()
    # D11: a document moved to another household's file shows there, under another
    # occupant's label, and takes a number in that file's series: a manager approves.
    return WORKING_APPROVERS if record.working or moves_household(record, changes) else ()


FILING_FIELDS = ("category", "filed_at", "household")
"""What places a document in its file (D3) and names its archive number's series (D8)."""
HELD_FIELDS = ("category", "household")
"""What a legal hold on a category or household covers a document by (R7)."""


def correction_limit(record: DocumentRecord, *, register: str | None, held: bool
                     ) -> CorrectionLimit | None:
    """What a correction of ``record`` may not change now, and why; None when nothing but
    who may correct (D6) stops one. ``register``: the destruction register not yet
    executed that lists it, if any; ``held``: whether an active legal hold covers it. The
    registry refuses a correction by it, when asked and again when approved, and answers
    it beside the record (``DocumentPermissions``).

    D11: a document that has left the archive is not refiled. A destroyed one's record is
    closed (``document_destroyed``): it is the evidence of what its register destroyed
    (R6). One transferred out (移出) keeps its filing (``FILING_FIELDS``: category, filing
    date, household, so its archive number) as the transfer list names it
    (``already_transferred``): its paper has left under that number, and the yearly
    statistics count it there (O2). R6: one listed in a destruction register not yet
    executed keeps it as the register names it (``in_destruction_register``): the
    register was drawn up from an approved sweep, its witnesses check and sign its items
    under those numbers, and its execution destroys them so. R7: one a legal hold covers
    keeps its household and category (``on_hold``, ``HELD_FIELDS``): a hold on a household
    or category covers the documents in it, so moved out it would be free to be swept and
    destroyed. Their other fields (a title, the security level, where the paper is kept)
    are corrected as any document's.
    """
    if record.status == "destroyed":
        return CorrectionLimit(
            code="document_destroyed", closed=True,
            fields=list(MetadataChanges.__struct_fields__),
            reason=f"{record.archive_no} was destroyed; its record stays as its destruction "
                   "register lists it and is no longer corrected")
    if record.status == "transferred":
        return CorrectionLimit(
            code="already_transferred", fields=list(FILING_FIELDS),
            reason=f"{record.archive_no} was transferred out of the archive (移出) under "
                   "this number: its paper has left as the transfer list names it; its "
                   "other fields may still be corrected")
    if register is not None:
        return CorrectionLimit(
            code="in_destruction_register", fields=list(FILING_FIELDS), register=register,
            reason=f"{record.archive_no} is listed under this number in destruction register "
                   f"{register}, not yet executed, which its witnesses check and sign as "
                   "listed (R6): withdraw the register (cancel it, before its execution "
                   "begins), correct the document, then draw up a register again; or correct "
                   "it after the execution, should it leave the document undestroyed; its "
                   "other fields may still be corrected")
    if held:
        return CorrectionLimit(
            code="on_hold", fields=list(HELD_FIELDS),
            reason=f"{record.archive_no} is under a legal hold (R7), which would no longer "
                   "cover it once moved: ask the compliance officer to release the hold, or "
                   "to place one naming this document, then correct it; its other fields "
                   "may still be corrected")
    return None


def awaits_decision(principal: Principal, correction: Correction) -> bool:
    """The listed ``correction`` waits for ``principal`` to approve or reject it: pending,
    one of its ``approvers``, and not asked for by them (nobody approves their own)."""
    return (correction.status == "pending" and correction.requested_by != principal.username
            and principal.has_role(*correction.approvers))
