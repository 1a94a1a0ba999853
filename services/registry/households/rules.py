"""The rules of a household's file, pure: which occupant's part a document belongs to
(D2, D3) and when its retention clock starts there (R1).

A document belongs to the occupancy in force on its ``filed_at`` date
(``contracts.households.occupancy_on``, shared with the household page, which says by it
what a change will do), whatever the order in which the document and the occupants
history were entered: filing asks these rules,
so does a correction of a document's date or category, and so does every change of the
occupants history, which moves the documents it concerns into their part.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from services.common.contracts.catalogue import SystemReason
from services.common.contracts.households import Occupancy
from services.common.contracts.registry import DocumentRecord
from services.registry.schedule.rules import RetentionRules, retention_start

PLACEMENT_FIELDS = ("occupancy_id", "retention_start", "disposal_due")
"""What placing a document in a part of its file sets."""


def placed(record: DocumentRecord, occupancy: Occupancy | None, rules: RetentionRules
           ) -> DocumentRecord:
    """``record`` in ``occupancy``'s part of its file (``None``: no occupant's), its
    retention clock started at filing, or at move-out once that part is closed (D3, R1).
    Its due date follows the new start while it is the schedule's; a due date the
    appraisers set (R3: kept longer, permanent, or to be appraised again) stands."""
    start = retention_start(record.filed_at, occupancy.moved_out if occupancy else None)
    scheduled = record.disposal_due == rules.disposal_due(record.category,
                                                          record.retention_start)
    return msgspec.structs.replace(
        record, occupancy_id=occupancy.occupancy_id if occupancy else None,
        retention_start=start,
        disposal_due=rules.disposal_due(record.category, start) if scheduled
        else record.disposal_due)


def version_changes(before: DocumentRecord, after: DocumentRecord,
                    names: Iterable[str] = PLACEMENT_FIELDS) -> dict[str, list[object]]:
    """The fields among ``names`` that ``after`` changed, [before, after] as a version
    records them (JSON values): a move's placement, a correction's, an appraisal's."""
    return {name: [msgspec.to_builtins(getattr(before, name)),
                   msgspec.to_builtins(getattr(after, name))]
            for name in names if getattr(before, name) != getattr(after, name)}


def attachment_reason(occupancy: Occupancy | None) -> SystemReason:
    """Why a change of the occupants history moved a document (its version's reason, D6)."""
    if occupancy is None:
        return SystemReason(code="attached_to_no_part", sentence=(
            "occupants history changed (住户变更): filed while the unit was vacant, "
            "in no occupant's part (D3)"))
    values = {"occupant": occupancy.occupant, "moved_in": occupancy.moved_in.isoformat()}
    if occupancy.moved_out is None:
        return SystemReason(code="attached_to_current_part", values=values, sentence=(
            f"occupants history changed (住户变更): attached to {occupancy.occupant}'s part, "
            f"{values['moved_in']} to now (D3)"))
    values["moved_out"] = occupancy.moved_out.isoformat()
    return SystemReason(code="attached_to_part", values=values, sentence=(
        f"occupants history changed (住户变更): attached to {occupancy.occupant}'s part, "
        f"{values['moved_in']} to {values['moved_out']} (D3)"))


def restart_reason(occupancy: Occupancy) -> SystemReason:
    """Why closing ``occupancy`` restarted its documents' retention clocks (their
    version's reason, D6)."""
    assert occupancy.moved_out is not None  # a part is closed by its move-out
    moved_out = occupancy.moved_out.isoformat()
    return SystemReason(
        code="retention_restarted",
        values={"occupant": occupancy.occupant, "moved_out": moved_out},
        sentence=(f"moved out (退租): {occupancy.occupant}'s part closed on {moved_out}, "
                  "retention clock starts at move-out (R1)"))


UPGRADE_REASON = SystemReason(code="placed_after_upgrade", sentence=(
    "placed by filing date after an upgrade (升级): in the part of the occupant whose stay "
    "its filing date falls in, its retention clock started as R1 says (D3)"))
"""Why placing after an upgrade made a version: an earlier release left the document in
another part, or its clock where it no longer starts (D6)."""
