"""The rules of appraisal (R2–R5), pure: no storage, no clock.

- R2/R4 agreement: an item is decided when at least two different appraisers give the
  same decision (with the same keep details), one of them a ``manager`` (the
  customer-service manager), and, for engineering documents, one of them from the
  ``engineering`` department. Two qualified groups that disagree leave it undecided.
- R3: ``reappraise`` keeps the document and makes it due again a year after approval;
  ``keep`` makes it due at ``keep_until``, or a new full period of its (new) class.
- R5: items approved for destruction wait apart ``wait_days`` (184 by default: never
  shorter than six calendar months).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.common.contracts.catalogue import SystemReason
from services.common.contracts.retention import Appraisal, AppraisalDecision, Missing
from services.common.errors import ValidationFailed
from services.common.models import Category, RetentionClass
from services.registry.schedule.rules import RetentionRules, add_years
from services.registry.sweeps.models import AppraisalRequest

LEAD_APPRAISER_ROLE = "manager"
"""R2: the customer-service manager is one of the two who agree."""
TECHNICAL_CATEGORIES: tuple[Category, ...] = ("engineering",)
"""R4: technical/engineering documents need the engineering department's opinion."""
ENGINEERING_DEPARTMENT = "engineering"
REAPPRAISE_AFTER_YEARS = 1


@dataclass(frozen=True)
class Agreement:
    """What two qualified appraisers agreed on."""

    decision: AppraisalDecision
    keep_until: date | None
    keep_class: RetentionClass | None
    appraisers: tuple[str, ...]


def checked_request(request: AppraisalRequest, *, today: date) -> AppraisalRequest:
    """Refuse keep details on other decisions and dates that are not in the future."""
    if request.decision != "keep" and (request.keep_until or request.keep_class):
        raise ValidationFailed("keep_until and keep_class go with decision 'keep' only",
                               code="keep_details_without_keep")
    if request.keep_until is not None:
        if request.keep_until <= today:
            raise ValidationFailed(f"keep_until {request.keep_until} must be after today",
                                   code="keep_until_not_in_future")
        if request.keep_class == "permanent":
            raise ValidationFailed("a permanent document has no keep_until",
                                   code="permanent_with_date")
    return request


def agreement(category: Category, appraisals: Iterable[Appraisal]) -> Agreement | None:
    """The decision an item has reached (R2, R4), or ``None`` while undecided."""
    groups: dict[tuple[str, date | None, str | None], list[Appraisal]] = {}
    for appraisal in appraisals:
        key = (appraisal.decision, appraisal.keep_until, appraisal.keep_class)
        groups.setdefault(key, []).append(appraisal)
    qualified = [group for group in groups.values() if _qualifies(category, group)]
    if len(qualified) != 1:
        return None
    group = qualified[0]
    return Agreement(decision=group[0].decision, keep_until=group[0].keep_until,
                     keep_class=group[0].keep_class,
                     appraisers=tuple(sorted(a.appraiser for a in group)))


def _qualifies(category: Category, group: Sequence[Appraisal]) -> bool:
    if len({appraisal.appraiser for appraisal in group}) < 2:
        return False
    if not any(LEAD_APPRAISER_ROLE in appraisal.roles for appraisal in group):
        return False
    if category in TECHNICAL_CATEGORIES:  # R4
        return any(appraisal.department == ENGINEERING_DEPARTMENT for appraisal in group)
    return True


def still_missing(category: Category, appraisals: Sequence[Appraisal]) -> list[Missing]:
    """What an item needs before it is decided (R2, R4); empty once it is."""
    if agreement(category, appraisals) is not None:
        return []
    missing: list[Missing] = []
    if len({appraisal.appraiser for appraisal in appraisals}) < 2:
        missing.append("second_appraiser")
    if not any(LEAD_APPRAISER_ROLE in appraisal.roles for appraisal in appraisals):
        missing.append("manager")
    if category in TECHNICAL_CATEGORIES and not any(  # R4
            appraisal.department == ENGINEERING_DEPARTMENT for appraisal in appraisals):
        missing.append("engineering")
    return missing or ["agreement"]


def kept_class(current: RetentionClass, agreed: Agreement) -> RetentionClass:
    if agreed.decision == "keep" and agreed.keep_class is not None:
        return agreed.keep_class
    return current


def new_disposal_due(agreed: Agreement, current: RetentionClass, rules: RetentionRules,
                     *, approved_on: date) -> date | None:
    """R3: when a kept document is due again; ``None`` once it is permanent."""
    if agreed.decision == "reappraise":
        return add_years(approved_on, REAPPRAISE_AFTER_YEARS)
    retention_class = kept_class(current, agreed)
    if retention_class == "permanent":
        return None
    if agreed.keep_until is not None:
        return agreed.keep_until
    return add_years(approved_on, rules.years[retention_class])


def destroy_after(approved_on: date, *, wait_days: int) -> date:
    """R5: approved items are held apart for six months (以免误毁) before destruction."""
    return approved_on + timedelta(days=wait_days)


def appraisal_reason(sweep_id: str, decision: AppraisalDecision, appraisers: Iterable[str]
                     ) -> SystemReason:
    """Why a kept document has a new version: the sweep's appraisers kept it, or set it
    to be appraised again (R3; its version's reason, D6)."""
    agreed = ", ".join(sorted(appraisers))
    return SystemReason(
        code="appraised_reappraise" if decision == "reappraise" else "appraised_keep",
        values={"sweep_id": sweep_id, "appraisers": agreed},
        sentence=f"appraisal (鉴定) in sweep {sweep_id}: {decision}, agreed by {agreed}")
