"""The rules of handovers (O1), pure: who draws one up, who signs which side, what the
signers sign, when it is complete."""

from __future__ import annotations

from collections.abc import Iterable

from services.common.contracts.operations import Handover, Side
from services.common.operations import (
    HANDOVER_CANCELLERS,
    HANDOVER_CREATORS,
    HANDOVER_READERS,
    HANDOVER_RECEIVER,
)

CREATOR_ROLES = HANDOVER_CREATORS
CANCELLER_ROLES = HANDOVER_CANCELLERS
RECEIVER_ROLE = HANDOVER_RECEIVER
READER_ROLES = HANDOVER_READERS


def side_of(handover: Handover, username: str) -> Side | None:
    """Which side ``username`` signs, if any (O1: only the two people named sign)."""
    if username == handover.handed_over_by:
        return "handing"
    if username == handover.received_by:
        return "receiving"
    return None


def complete(sides: Iterable[Side]) -> bool:
    """O1: signed by both sides."""
    return {"handing", "receiving"} <= set(sides)
