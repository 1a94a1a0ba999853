"""Retention sweeps: the registry's own structs of sweeps (登记造册): the request bodies
of a sweep and an appraisal (鉴定). A sweep as answered is
``services.common.contracts.retention``."""

from __future__ import annotations

from datetime import date

from services.common.contracts.fields import DocumentId, Note, Opinion
from services.common.contracts.retention import AppraisalDecision, ItemState
from services.common.models import Category, RetentionClass, Struct

OPEN_ITEM_STATES: tuple[ItemState, ...] = ("appraisal", "waiting")
"""A document with an item in these states is already in a sweep."""



class SweepRequest(Struct):
    """Start a sweep (登记造册): documents due by ``as_of`` (default today)."""

    as_of: date | None = None
    categories: list[Category] | None = None
    dry_run: bool = False


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
    """The director's approval or rejection of a sweep's list."""

    note: Note | None = None
