"""The rules of destruction (R6), pure: who draws up, witnesses and executes a register,
how many witnesses it needs, what a register line says."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from services.common.contracts.retention import (
    SIGNABLE,
    DestructionStatus,
    RegisterItemState,
    WithheldReason,
)

MIN_WITNESSES = 2


def witnesses_missing(witnesses: Iterable[str]) -> int:
    """R6: how many more different witnesses must sign (0 when enough have)."""
    return max(0, MIN_WITNESSES - len(set(witnesses)))


def awaits_signature_from(username: str, *, status: DestructionStatus, created_by: str,
                          signers: Collection[str], valid: Collection[str]) -> bool:
    """R6: whether the register waits for ``username``'s signature. Not once its execution
    began, never from whoever drew it up, nor from a witness whose signature still holds
    (``valid``: it matches the items as they stand). While it lacks witnesses anyone else
    may sign; once enough signatures hold, only a witness whose signature a change of
    the items voided (in ``signers``, not ``valid``) is asked to sign again."""
    if status not in SIGNABLE or username == created_by or username in valid:
        return False
    return witnesses_missing(valid) > 0 or username in signers


LABELS: dict[RegisterItemState, str] = {
    "pending": "待销毁", "destroyed": "已销毁", "cancelled": "已撤回",
}
WITHHELD_LABELS: dict[WithheldReason, str] = {
    "on_hold": "未销毁（法律保全）", "on_loan": "未销毁（借出中）", "not_due": "未销毁（未到期）",
}


def register_label(state: RegisterItemState, reason: WithheldReason | None) -> str:
    """What a register line says; R6: a destroyed item reads 已销毁."""
    if state == "withheld":
        return WITHHELD_LABELS[reason or "on_hold"]
    return LABELS[state]
