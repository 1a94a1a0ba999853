"""The registry's catalogue wire contract beside the record (``contracts.registry``): a
version of a document's metadata (D6) as the registry answers it; one definition for the
registry and the staff pages that decode it (``services.common.clients.reader``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from services.common.models import Struct

ReasonCode = Literal["filed", "attached_to_part", "attached_to_current_part",
                     "attached_to_no_part", "retention_restarted", "appraised_keep",
                     "appraised_reappraise", "handed_over", "placed_after_upgrade"]
"""Why the registry itself made a version (D6), whatever the reader's language:
``filed``, the first; a change of the occupants history moved the document into an
occupant's part that has ``ended`` (``attached_to_part``), into the current occupant's
(``attached_to_current_part``) or into no occupant's, the unit vacant then
(``attached_to_no_part``); a move-out restarted its retention clock
(``retention_restarted``, R1); a sweep's appraisers kept it (``appraised_keep``) or set
it to be appraised again (``appraised_reappraise``, R3); a handover brought its paper to
the archive (``handed_over``, D7); after an upgrade, the registry placed it by filing date
where an earlier release had left it elsewhere or its clock wrong
(``placed_after_upgrade``, D3, R1)."""


class SystemReason(Struct):
    """The reason of a version the registry makes by itself: its ``code`` and ``values``
    (an occupant, a date, a sweep …), which the pages say in the reader's language, and
    the same as an English ``sentence`` for the API's readers. A person's reason (a
    correction's) is their own words, kept as typed."""

    code: ReasonCode
    sentence: str
    values: dict[str, str] = msgspec.field(default_factory=dict)


FILED = SystemReason(code="filed", sentence="filed")
"""The reason of a document's first version."""


class DocumentVersion(Struct):
    """One version of a document's metadata: who, when, why, and the approver (D6)."""

    version: int
    metadata: dict[str, object]
    changes: dict[str, list[object]]
    """Field → [before, after]; empty for version 1, the filing."""
    changed_by: str
    changed_at: datetime
    reason: str
    """The person's words, or the registry's English sentence (``reason_code``)."""
    approved_by: str | None
    correction_id: str | None
    reason_code: ReasonCode | None = None
    """Set when the registry made the version by itself (``SystemReason``); null for a
    person's reason and for versions made before the codes were kept."""
    reason_values: dict[str, str] = msgspec.field(default_factory=dict)
