"""The names of audit actions (O4), as recorded now and as recorded before.

An action is named once, whatever the outcome: a refusal is recorded under the action its
success is recorded as (``sweep_started``, ``handover_signed``; a route's through
``guards.ROUTE_ACTIONS``), so ``--action sweep_started`` lists the sweeps started and the
attempts refused. Entries written before this were named otherwise when refused: by the
route's operation id (``startSweep``) or by the service's verb (``sign_handover``). The
chain keeps them as written (rewriting them would break it); they are read under the
current names (``current_action``), and a filter by either name finds both
(``stored_names``).
"""

from __future__ import annotations

from services.registry.guards import ROUTE_ACTIONS, route_action

RENAMED: dict[str, str] = {
    "sign_handover": "handover_signed", "witness_destruction": "destruction_witnessed",
    "register_destruction": "destruction_registered",
    "execute_destruction": "destruction_started", "appraise": "appraised",
    "file": "filed", "correct": "correction_requested", "approve_correction": "corrected",
    "reject_correction": "correction_rejected", "request_loan": "loan_requested",
    "approve_loan": "loan_approved", "reject_loan": "loan_rejected",
    "withdraw_loan": "loan_withdrawn", "issue_loan": "loan_issued",
    "acknowledge_loan": "loan_acknowledged", "renew_loan": "loan_renewed",
    "record_copy": "loan_copy_recorded", "return_loan": "loan_returned",
    "resolve_incident": "loan_incident_resolved", "change_user": "user_changed",
    "deactivate_user": "user_deactivated", "create_user": "user_created",
    "reset_password": "password_reset",
}
"""What services named their refusals before they took their successes' names."""


def current_action(stored: str) -> str:
    """The name an entry stored as ``stored`` goes by now."""
    if stored in RENAMED:
        return RENAMED[stored]
    if stored[:1].islower() and not stored.islower():  # an operation id: ``startSweep``
        return route_action(stored)
    return stored


def stored_names(action: str) -> list[str]:
    """Every name an entry of ``action`` (by its current or an old name) may be stored
    under: the current one, the services' old verbs and the routes' operation ids."""
    current = current_action(action)
    head, *rest = current.split("_")
    return sorted({current, head + "".join(word.title() for word in rest)}
                  | {old for old, new in RENAMED.items() if new == current}
                  | {op for op, new in ROUTE_ACTIONS.items() if new == current})
