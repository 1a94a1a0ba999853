"""A version's reason as the document page says it (D6): a person's words as they typed
them; the registry's own reasons (``SystemReason``: a code and its values) in the
reader's language, through the message catalogue.

Versions made before the registry kept its codes hold only its English sentence; the
sentences it wrote are matched here to their code, so they read the same as new ones.
Anything else is shown as stored. Days are kept in the values as ISO dates (as the
API's sentence says them); the page writes them as it writes every date (``days_written``).
The people among them (``PEOPLE_VALUES``: the appraisers who agreed) are kept as their
usernames; the page names each as it names people everywhere, ``王芳（wang）``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from services.common.contracts.catalogue import DocumentVersion, ReasonCode

REASON_TEXTS: dict[ReasonCode, str] = {
    "filed": "归档",
    "attached_to_part": "住户变更：归入 %(occupant)s 的部分（%(moved_in)s 至 %(moved_out)s）",
    "attached_to_current_part": "住户变更：归入 %(occupant)s 的部分（%(moved_in)s 起至今）",
    "attached_to_no_part": "住户变更：归档时该单元空置，不属于任何住户的部分",
    "retention_restarted": "退租：%(occupant)s 的部分于 %(moved_out)s 结束，保管期限自迁出之日起算",
    "appraised_keep": "鉴定（清理 %(sweep_id)s）：继续保存，经 %(appraisers)s 同意",
    "appraised_reappraise": "鉴定（清理 %(sweep_id)s）：到期后重新鉴定，经 %(appraisers)s 同意",
    "handed_over": "移交 %(handover_id)s，来自 %(service_centre)s",
    "placed_after_upgrade": "升级后按归档日期归入所属住户的部分，保管期限按规定起算",
}
"""The registry's reasons by their Chinese wording, its values named in it."""

DAY_VALUES = frozenset({"moved_in", "moved_out"})
"""The values that are days."""
PEOPLE_VALUES = frozenset({"appraisers"})
"""The values that name people, by username, ``", "`` between two (as the registry joins
them)."""

_DAY = r"\d{4}-\d{2}-\d{2}"
_OCCUPANTS = r"occupants history changed \(住户变更\): "
STORED_SENTENCES: tuple[tuple[re.Pattern[str], ReasonCode], ...] = (
    (re.compile("filed"), "filed"),
    (re.compile(_OCCUPANTS + rf"attached to (?P<occupant>.+)'s part, (?P<moved_in>{_DAY}) "
                r"to now \(D3\)"), "attached_to_current_part"),
    (re.compile(_OCCUPANTS + rf"attached to (?P<occupant>.+)'s part, (?P<moved_in>{_DAY}) "
                rf"to (?P<moved_out>{_DAY}) \(D3\)"), "attached_to_part"),
    (re.compile(_OCCUPANTS + r"filed while the unit was vacant, in no occupant's part "
                r"\(D3\)"), "attached_to_no_part"),
    (re.compile(rf"moved out \(退租\): (?P<occupant>.+)'s part closed on "
                rf"(?P<moved_out>{_DAY}), retention clock starts at move-out \(R1\)"),
     "retention_restarted"),
    (re.compile(r"appraisal \(鉴定\) in sweep (?P<sweep_id>\S+): keep, agreed by "
                r"(?P<appraisers>.+)"), "appraised_keep"),
    (re.compile(r"appraisal \(鉴定\) in sweep (?P<sweep_id>\S+): reappraise, agreed by "
                r"(?P<appraisers>.+)"), "appraised_reappraise"),
    (re.compile(r"handover \(移交\) (?P<handover_id>\S+) from (?P<service_centre>.+)"),
     "handed_over"),
)
"""The English sentences the registry wrote before it kept codes, by their code."""


@dataclass(frozen=True)
class ShownReason:
    """``says``: the wording to translate, filled with ``values``; None for words shown
    as ``stored`` (a person's, or a sentence not known here)."""

    stored: str
    says: str | None = None
    values: dict[str, str | date | tuple[str, ...]] = field(default_factory=dict)


def _value(name: str, value: str) -> str | date | tuple[str, ...]:
    if name in DAY_VALUES:
        return date.fromisoformat(value)
    if name in PEOPLE_VALUES:
        return tuple(value.split(", "))
    return value


def _values(stored: dict[str, str]) -> dict[str, str | date | tuple[str, ...]]:
    return {name: _value(name, value) for name, value in stored.items()}


def shown_reason(version: DocumentVersion) -> ShownReason:
    if version.reason_code is not None:
        return ShownReason(version.reason, REASON_TEXTS[version.reason_code],
                           _values(version.reason_values))
    if version.correction_id is None:  # not a person's words: perhaps a stored sentence
        for pattern, code in STORED_SENTENCES:
            found = pattern.fullmatch(version.reason)
            if found:
                return ShownReason(version.reason, REASON_TEXTS[code],
                                   _values(found.groupdict()))
    return ShownReason(version.reason)
