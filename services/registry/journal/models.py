"""The journal's structs: audit entries as features record them (readers get them as
``services.common.contracts.registry.AuditRecord``), the audit log's query, the chain's
verification report and its anchored head."""

from __future__ import annotations

from datetime import datetime

import msgspec

from services.common.contracts.registry import AuditDetail, AuditOutcome
from services.common.models import Struct

DetailValue = AuditDetail

REGISTRY_ACTOR = "service:registry"
"""Who the audit log names for what the registry does by itself: an escalation, placing
documents after an upgrade."""


class AuditEntry(msgspec.Struct, frozen=True, kw_only=True):
    """What a feature records; ``seq``, time and hashes are added as it is appended."""

    action: str
    username: str
    document_id: str | None = None
    outcome: AuditOutcome = "allowed"
    code: str | None = None
    """For a refusal, the decision's code (``not_visible``, ``role_required``…)."""
    detail: dict[str, DetailValue] = msgspec.field(default_factory=dict)


class HoldMoment(Struct):
    """Where a hold's own audit entry is (``document_id`` null): the hold it names and
    when it was written (the hold's ``placed_at`` or ``released_at``)."""

    hold_id: str
    at: datetime


class AuditQuery(Struct):
    document_id: str | None = None
    username: str | None = None
    action: str | None = None
    outcome: AuditOutcome | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int = 0
    before_seq: int | None = None
    limit: int = 200
    newest_first: bool = False
    covering_holds: list[HoldMoment] = msgspec.field(default_factory=list)
    """With ``document_id``: the entries of holds that cover the document by its
    household or category (R7), which name the hold, not each document it covers."""


class Anchored(msgspec.Struct, frozen=True, kw_only=True):
    """A head of the chain as it was anchored outside the database (``anchors``)."""

    seq: int
    hash: str
    keyed_from: int
    at: datetime
