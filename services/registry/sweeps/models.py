"""Retention sweeps: the registry's own structs of sweeps (登记造册): the request body of
an appraisal (鉴定) and of a decision. A sweep as asked for and as answered is
``services.common.contracts.retention``."""

from __future__ import annotations

from datetime import date

from services.common.contracts.fields import DocumentId, Note, Opinion, Text
from services.common.contracts.retention import AppraisalDecision, ItemState
from services.common.models import RetentionClass, Struct

OPEN_ITEM_STATES: tuple[ItemState, ...] = ("appraisal", "waiting")
"""A document with an item in these states is already in a sweep."""


class MovedOn(Struct):
    """An open sweep item whose document is no longer due by the sweep's ``as_of``."""

    sweep_id: str
    document_id: str
    state: ItemState
    disposal_due: date
    """The due date the sweep listed."""
    now_due: date | None
    """The document's due date now (null: permanent)."""
    as_of: date

class AppraisalRequest(Struct):
    """One appraiser's decision (R2–R4). ``keep`` may extend to ``keep_until`` or
    reclassify to ``keep_class`` (default: a new full period of the current class);
    ``reappraise`` appraises again in a year (R3)."""

    document_id: DocumentId
    decision: AppraisalDecision
    opinion: Opinion
    keep_until: date | None = None
    keep_class: RetentionClass | None = None


class SweepDecision(Struct):
    """The director's approval of a sweep's list, with a note if they wish."""

    note: Note | None = None


class SweepRejection(Struct):
    """The director sends a sweep's list back (退回): ``note``, why, is required, as a
    loan's refusal is; the compliance officer and the appraisers read it on the sweep."""

    note: Text
