"""When a loan may be renewed (续借, B4): one rule, applied by the registry when a renewal
is asked for and by the staff pages to offer 续借 only when it would be accepted."""

from __future__ import annotations

from datetime import datetime, tzinfo

from services.common.errors import Conflict


def renewal_refusal(*, renewals: int, due_at: datetime, now: datetime, max_renewals: int,
                    zone: tzinfo) -> Conflict | None:
    """B4: why a loan out until ``due_at``, renewed ``renewals`` times, may not be renewed
    at ``now``, or None: at most ``max_renewals`` times and never once it has expired;
    after that the documents need a new request through the approvals. The time it
    expired is said on the company's clocks (``zone``)."""
    if now > due_at:
        return Conflict(f"the loan expired on {due_at.astimezone(zone):%Y-%m-%d %H:%M} {zone} "
                        "and cannot be "
                        "renewed; return it and ask for a new loan (B4)", code="loan_expired")
    if renewals >= max_renewals:
        return Conflict(f"the loan was renewed {renewals} times, the most allowed; return "
                        "it and ask for a new loan (B4)", code="renewals_exhausted")
    return None
