"""Reading and replacing the retention schedule (R1); a change recomputes due dates."""

from __future__ import annotations

from services.common.contracts.registry import ScheduleChanged
from services.common.contracts.retention import RetentionSchedule, ScheduleChange
from services.common.errors import ValidationFailed
from services.common.models import CATEGORIES, RetentionClass
from services.registry.journal.models import AuditEntry
from services.registry.schedule.models import ScheduleUpdate
from services.registry.schedule.rules import RetentionRules
from services.registry.store import FeatureService


class ScheduleService(FeatureService):
    async def get(self) -> RetentionSchedule:
        async with self.store.transaction() as tx:
            return await tx.schedule.schedule()

    async def rules(self) -> RetentionRules:
        async with self.store.transaction() as tx:
            return await tx.schedule.rules()

    async def replace(self, actor: str, update: ScheduleUpdate) -> ScheduleChange:
        """Every category must be given; the documents the archive keeps (active or
        transferred out) of the categories whose class or years changed get their class
        and ``disposal_due`` recomputed, but for those the appraisers kept (R3)."""
        missing = [category for category in CATEGORIES if category not in update.classes]
        if missing:
            raise ValidationFailed(f"the schedule must give every category a class; "
                                   f"missing: {', '.join(missing)}", code="incomplete_schedule")
        years: dict[RetentionClass, int] = {"long": update.years.long,
                                             "short": update.years.short}
        rules = RetentionRules(classes=dict(update.classes), years=years)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            before = await tx.schedule.rules(lock="update")
            await tx.schedule.replace(rules, by=actor, at=now)
            recomputed = await tx.documents.recompute_disposal(
                rules.categories_changed_from(before), rules, before=before, at=now)
            await tx.journal.emit(ScheduleChanged(
                classes={str(c): k for c, k in rules.classes.items()},
                years={str(k): y for k, y in years.items()},
                documents_recomputed=recomputed), at=now)
            await tx.journal.audit(AuditEntry(action="schedule_changed", username=actor,
                                              detail={"documents_recomputed": recomputed}),
                                   at=now)
            schedule = await tx.schedule.schedule()
        return ScheduleChange(schedule=schedule, documents_recomputed=recomputed)
