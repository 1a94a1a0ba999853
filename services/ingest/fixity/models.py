"""A fixity run as ingest's API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from services.common.contracts.registry import FixityFinding
from services.common.models import Struct

FixityStatus = Literal["running", "done", "failed"]
FixityTrigger = Literal["manual", "scheduled"]


class FixityRun(Struct):
    """A fixity check: how far it got and what it found."""

    run_id: str
    status: FixityStatus
    trigger: FixityTrigger
    started_by: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    documents_total: int
    documents_checked: int
    bytes_hashed: int
    findings: list[FixityFinding]
    error: str | None
