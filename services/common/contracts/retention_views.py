"""What the staff pages send the registry to place a legal hold (R7). The registry's
retention answers themselves (the schedule, sweeps, destruction registers, holds) are
``services.common.contracts.retention``, one definition for both."""

from __future__ import annotations

import msgspec


class NewHold(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A legal hold (R7) as the registry takes it; the form's words as typed, the
    registry judges them (an unknown category is its 400)."""

    reason: str
    documents: list[str] | None = None
    household: str | None = None
    category: str | None = None
