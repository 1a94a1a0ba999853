"""How many refusals are written to the audit log one by one (O4 against issue 14, item 10).

Every refusal is an audit entry, and every entry takes the journal's head row lock: a
script hammering a route it may not use would queue every other write behind its own.
So each user's first ``per_minute`` refusals of a minute are itemised; the rest are only
counted, and one ``refusals_not_itemised`` entry per user and minute records how many
there were, of which actions, once the minute is over. Nothing goes unrecorded; a storm
costs one write a minute per user beyond the cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.registry.journal.audit import AuditEntry

REFUSALS_ITEMISED_PER_MINUTE = 30


@dataclass
class _Minute:
    start: datetime
    itemised: int = 0
    counted: int = 0
    actions: set[str] = field(default_factory=set)


class RefusalBudget:
    """Per user and minute: itemise up to ``per_minute`` refusals, count the rest."""

    def __init__(self, per_minute: int = REFUSALS_ITEMISED_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._minutes: dict[str, _Minute] = {}

    def itemise(self, username: str, action: str, now: datetime) -> bool:
        """True if this refusal gets its own entry; False if it is only counted. Call
        ``summaries`` first, so a minute that is over is summarised before it is reused."""
        start = now.replace(second=0, microsecond=0)
        minute = self._minutes.get(username)
        if minute is None or minute.start != start:
            minute = self._minutes[username] = _Minute(start=start)
        if minute.itemised < self.per_minute:
            minute.itemised += 1
            return True
        minute.counted += 1
        minute.actions.add(action)
        return False

    def summaries(self, now: datetime) -> list[AuditEntry]:
        """An entry for each user whose refusals were counted in a minute now over; those
        minutes are forgotten."""
        start = now.replace(second=0, microsecond=0)
        entries: list[AuditEntry] = []
        for username, minute in list(self._minutes.items()):
            if minute.start == start:
                continue
            del self._minutes[username]
            if minute.counted:
                entries.append(AuditEntry(
                    action="refusals_not_itemised", username=username, outcome="refused",
                    code="refusal_storm", detail={
                        "count": minute.counted, "minute": minute.start.isoformat(),
                        "actions": sorted(minute.actions)}))
        return entries

    @property
    def pending(self) -> bool:
        return any(minute.counted for minute in self._minutes.values())
