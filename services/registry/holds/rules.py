"""The rules of a legal hold (R7), pure: who places one and what it may cover."""

from __future__ import annotations

from services.common.errors import ValidationFailed
from services.common.models import HOUSEHOLD_RE
from services.registry.holds.models import HoldRequest

MAX_DOCUMENTS = 10_000


def checked_scope(request: HoldRequest) -> HoldRequest:
    """Named documents, or a household and/or category; never both kinds, never neither."""
    named = request.documents is not None
    filtered = request.household is not None or request.category is not None
    if named == filtered:
        raise ValidationFailed("a hold names documents, or gives a household and/or a "
                               "category (not both kinds, not neither)", code="hold_scope")
    if named and not request.documents:
        raise ValidationFailed("the hold names no documents", code="hold_scope")
    if request.documents and len(request.documents) > MAX_DOCUMENTS:
        raise ValidationFailed(f"a hold names at most {MAX_DOCUMENTS} documents; use a "
                               "household or category hold", code="hold_scope")
    if request.household is not None and not HOUSEHOLD_RE.match(request.household):
        raise ValidationFailed(f"{request.household!r} is not a unit code like A-1201",
                               code="invalid_household")
    return request
