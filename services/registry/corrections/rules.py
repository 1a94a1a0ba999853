"""The rules of a correction, pure: what it changes and who may decide it; who must
approve it (D6, D10) is ``services.common.contracts.corrections.approvers_for``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import msgspec

from services.common.auth import Principal
from services.common.contracts.corrections import (
    FILING_FIELDS,
    LOWERING_APPROVERS,
    MetadataChanges,
    approvers_for,
    moves_household,
)
from services.common.contracts.households import Occupancy, occupancy_on
from services.common.contracts.registry import (
    CorrectionLimit,
    Decision,
    DocumentCorrected,
    DocumentRecord,
    SecurityChanged,
    feed_document,
)
from services.common.errors import ArchiveError, Conflict, Forbidden, ValidationFailed
from services.common.models import (
    checked_category,
    checked_household,
    checked_past_day,
    security_rank,
)
from services.registry.corrections.models import Correction
from services.registry.households.rules import PLACEMENT_FIELDS, placed, version_changes
from services.registry.schedule.rules import RetentionRules

RETENTION_FIELDS = ("retention_class", *PLACEMENT_FIELDS)
"""What a new category, date or household recomputes; a version lists those it changed."""


def apply_changes(record: DocumentRecord, changes: MetadataChanges, rules: RetentionRules, *,
                  occupants: Iterable[Occupancy], at: datetime, today: date
                  ) -> tuple[DocumentRecord, dict[str, list[object]]]:
    """The next version of ``record`` and the fields it changes ([before, after]).

    A new category takes its class and the schedule's due date (R1); a new category,
    date or household places the document in the part of its file the date falls in
    among ``occupants`` (the history of the household it ends in; none for a company
    document), as filing does (``placed``, D3), and the version lists the retention
    fields that moved too. Its archive number is the caller's (D11: ``renumbered``).
    Raises ``ValidationFailed`` (``no_changes``) if nothing would change, as filing does
    for a household its category may not have (D1), and for a filing date after
    ``today`` (``date_in_future``: nothing is filed ahead of time).
    """
    wanted: dict[str, object] = {
        name: value for name, value in msgspec.structs.asdict(changes).items()
        if value is not msgspec.UNSET
    }
    if "category" in wanted:
        wanted["category"] = checked_category(str(wanted["category"]))
    if "category" in wanted or "household" in wanted:
        # D1, as at filing: a unit code, and one for every document but a company one.
        household = wanted.get("household", record.household)
        wanted["household"] = checked_household(
            household if isinstance(household, str) else None,
            checked_category(str(wanted.get("category", record.category))))
    if isinstance(changes.filed_at, date):
        checked_past_day(changes.filed_at, "filed_at", today=today)
    corrected = [name for name, value in wanted.items() if getattr(record, name) != value]
    if not corrected:
        raise ValidationFailed("the correction changes nothing", code="no_changes")
    updated = msgspec.structs.replace(record, version=record.version + 1, updated_at=at,
                                      **{name: wanted[name] for name in corrected})
    if "category" in corrected:
        updated = msgspec.structs.replace(
            updated, retention_class=rules.class_of(updated.category),
            disposal_due=rules.disposal_due(updated.category, updated.retention_start))
    if any(name in corrected for name in FILING_FIELDS):
        updated = placed(updated, occupancy_on(occupants, updated.filed_at), rules)
    return updated, version_changes(record, updated, (*corrected, *RETENTION_FIELDS))


def limit_refusal(record: DocumentRecord, changes: MetadataChanges,
                  limit: CorrectionLimit | None) -> Conflict | None:
    """Why a correction of ``record`` is refused (409) by what ``limit`` (the
    ``correction_limit`` of the record now) closes, or None if it is not refused: when
    asked for, and again when approved. A closed record refuses every correction; else
    only one that changes a field ``limit`` names (``extra``: those it would change, and
    the ``register`` that lists the document)."""
    if limit is None:
        return None
    if limit.closed:
        return Conflict(limit.reason, code=limit.code)
    moved = moved_fields(record, changes, limit.fields)
    if not moved:
        return None
    listed = {"register": limit.register} if limit.register is not None else {}
    return Conflict(f"the {' and '.join(moved)} of {record.archive_no} cannot be corrected "
                    f"now: {limit.reason}", code=limit.code, extra={"fields": moved, **listed})


def moved_fields(record: DocumentRecord, changes: MetadataChanges, names: Iterable[str]
                 ) -> list[str]:
    """Those of ``names`` that ``changes`` would change in ``record`` (an empty household
    is none)."""
    return [name for name in names
            if getattr(changes, name) is not msgspec.UNSET
            and (getattr(changes, name) or None) != getattr(record, name)]


def correction_refusal(principal: Principal, decision: Decision, changes: MetadataChanges
             ) -> Decision | None:
    if not decision.allowed:
        return decision
    if changes.security is not msgspec.UNSET and \
            security_rank(changes.security) > security_rank(principal.clearance):
        return Decision(allowed=False, code="above_clearance", reason=(
            f"you may not raise a document to {changes.security}, above your clearance"))
    return None


def decider_refusal(principal: Principal, correction: Correction, decision: Decision,
                    record: DocumentRecord | None) -> DeciderRefusal | None:
    """Why ``principal`` may not approve or reject ``correction``, or None if they may."""
    if not decision.allowed or record is None:
        return DeciderRefusal(decision.error(), decision.code)
    if correction.requested_by == principal.username:
        return DeciderRefusal(Forbidden("nobody approves their own correction",
                                        code="own_correction"), "own_correction")
    changes = msgspec.convert(correction.changes, MetadataChanges)
    approvers = approvers_for(record, changes)
    if not principal.has_role(*approvers):
        why = ("it lowers the document's protection (D10)" if approvers == LOWERING_APPROVERS
               else "it moves the document to another household's file (D11)"
               if moves_household(record, changes)
               else "the document is a working document (D6)")
        refusal = Forbidden(f"{' or '.join(approvers) or 'nobody'} approves this correction: "
                            f"{why}", code="role_required")
        return DeciderRefusal(refusal, "role_required")
    return None


@dataclass(frozen=True)
class DeciderRefusal:
    """A refusal to decide a correction, and the code its audit entry records."""

    error: ArchiveError
    code: str


def change_event(before: DocumentRecord, after: DocumentRecord, fields: list[str]
           ) -> DocumentCorrected | SecurityChanged:
    if "security" in fields or "personal_info" in fields:
        return SecurityChanged(document=feed_document(after), fields=sorted(fields),
                               previous_security=before.security,
                               previous_personal_info=before.personal_info)
    return DocumentCorrected(document=feed_document(after), fields=sorted(fields))
