"""Decisions on documents above the decider's clearance (domain.md, People: clearance is
the ceiling of what a user may know; an ``admin`` has no implicit right to read
confidential files).

A decision that lets documents move on — approving a loan's step or issuing it (B3),
signing a handover (O1), releasing a legal hold (R7) — is taken on the documents as they
stand. Whoever sees some of them only redacted would decide blind, so such a decision is
theirs only when their clearance reaches every document: else ``clearance_refusal`` is a
403 ``above_clearance`` saying how many documents are above it and the clearance needed,
never which (their titles stay unseen). A 403, not the 404 of a document one may not
know (``registry.access.known_to``): the decider already sees the loan, hold or
handover, its documents counted and redacted. Each refusal is audited (O4) by the
service that decides, through ``JournalService.refuse``, under the decision's action
(``loan_approved``, ``loan_issued``, ``hold_released``, ``handover_signed``), with the
refusal's detail: counts and a clearance, no document named.

Accounts keep the same ceiling the other way round (``above_own_clearance``: an admin
makes no account cleared above themselves, ``registry.accounts``).
"""

from __future__ import annotations

from collections.abc import Iterable

from services.common.errors import Forbidden
from services.common.models import SecurityLevel, security_rank


def clearance_refusal(clearance: SecurityLevel, levels: Iterable[SecurityLevel], *,
                      decision: str, decided_by: str) -> Forbidden | None:
    """Why someone cleared to ``clearance`` may not take ``decision`` on documents of
    ``levels`` (one a document), or None if they may: ``decided_by`` says who takes it
    instead ("approves it", "signs it"), after "someone cleared to <level>"."""
    above = [level for level in levels if security_rank(level) > security_rank(clearance)]
    if not above:
        return None
    needed = max(above, key=security_rank)
    return Forbidden(
        f"{decision} includes {len(above)} document(s) above your clearance; someone "
        f"cleared to {needed} {decided_by}", code="above_clearance",
        extra={"documents_above": len(above), "clearance_needed": needed})
