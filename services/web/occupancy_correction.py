"""The form correcting a registered occupancy (更正住户记录, D12), opened from the household
page's 更正 link (``/ui/households/{household}/occupants/{occupancy_id}/correction``).

It shows the occupancy as it reads (name, move-in, move-out) to be changed, with a reason;
what the form lacks, or what the registry would refuse (``corrected_occupancy``, the one
rule), is said next to its field before anything is asked; the change is then said in
words and confirmed (``Proposal``): it waits for a Department Head, and on approval the
label and the documents' parts follow the corrected dates. The form carries the occupancy
as it showed it (``shown_*``): if someone changed it meanwhile, it is refused
(``stale_correction``) and shown again with the occupancy as it reads now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import msgspec

from services.common.contracts.corrections import Correction, OccupancyCorrectionRequest
from services.common.contracts.households import (
    Household,
    Occupancy,
    OccupancyChanges,
    WrittenOccupancyChanges,
    corrected_occupancy,
)
from services.common.errors import ValidationFailed
from services.web.household_page import text_problem, typed_day
from services.web.links import household_url

FIELDS = ("occupant", "moved_in", "moved_out")
"""The occupancy's fields the form changes, each also a field's id."""
REFUSED_FIELD = {"occupant_required": "occupant", "too_long": "occupant",
                 "reason_required": "reason", "moved_in_after_moved_out": "moved_in",
                 "overlaps_previous": "moved_in", "overlaps_next": "moved_out"}
"""The field to correct for a refusal that names one field whatever was typed."""


def correction_url(household: str, occupancy_id: int) -> str:
    return f"{household_url(household)}/occupants/{occupancy_id}/correction"


def pending_corrections(corrections: list[Correction]) -> set[int]:
    """The occupancies with a correction waiting for approval among one household's
    pending ``corrections``: the page says so, and offers no second one."""
    return {correction.occupancy.occupancy_id for correction in corrections
            if correction.occupancy is not None}


def values_of(occupancy: Occupancy) -> dict[str, str]:
    """The form's fields as ``occupancy`` reads (an open part's move-out empty)."""
    return {"occupant": occupancy.occupant, "moved_in": occupancy.moved_in.isoformat(),
            "moved_out": occupancy.moved_out.isoformat() if occupancy.moved_out else ""}


@dataclass(frozen=True)
class Proposal:
    """A correction the form asks for, to be confirmed: ``corrected`` is the occupancy
    as it will read once approved."""

    request: OccupancyCorrectionRequest
    corrected: Occupancy
    changed: list[str]
    """The fields it changes, of ``FIELDS``."""


@dataclass(frozen=True)
class CorrectionForm:
    household: str
    occupancy: Occupancy
    """As it reads now."""
    previous: Occupancy | None
    """The occupant before, named when a date would overlap theirs."""
    following: Occupancy | None
    values: dict[str, str]
    """What the fields show: the occupancy as it reads, or what was typed."""
    shown: dict[str, str]
    """The occupancy as the form showed it, sent back to refuse a stale correction."""
    pending: bool = False
    """A correction of it waits for approval already."""
    proposal: Proposal | None = None
    problem: str = ""
    problem_field: str = ""
    """The field the refusal is said beside ("" for none: said above the form)."""
    extra: dict[str, str] = field(default_factory=dict)

    def problem_id(self, name: str) -> str | None:
        """The id of the refusal said beside field ``name``, if it is that field's."""
        return f"{name}-problem" if self.problem and self.problem_field == name else None

    @property
    def url(self) -> str:
        return correction_url(self.household, self.occupancy.occupancy_id)


def correction_form(household: Household, occupancy: Occupancy, *,
                    values: dict[str, str] | None = None, shown: dict[str, str] | None = None,
                    pending: bool = False, proposal: Proposal | None = None,
                    problem: str = "", problem_field: str = "") -> CorrectionForm:
    history = sorted(household.occupants, key=lambda o: (o.moved_in, o.occupancy_id))
    at = history.index(occupancy)
    return CorrectionForm(
        household=household.household, occupancy=occupancy,
        previous=history[at - 1] if at > 0 else None,
        following=history[at + 1] if at + 1 < len(history) else None,
        values=values if values is not None else values_of(occupancy) | {"reason": ""},
        shown=shown if shown is not None else values_of(occupancy), pending=pending,
        proposal=proposal, problem=problem, problem_field=problem_field)


def occupancy_in(household: Household, occupancy_id: int) -> Occupancy | None:
    return next((o for o in household.occupants if o.occupancy_id == occupancy_id), None)


def proposal(household: Household, occupancy: Occupancy, values: dict[str, str],
             shown: dict[str, str], *, today: date, longest: int, longest_reason: int
             ) -> Proposal | tuple[str, str]:
    """What the form ``values`` ask of ``occupancy``, or why not and the field to correct
    ("" for none): a name and a reason, days typed as the household forms take them, an
    occupancy still as the form showed it (``stale_correction``), and a history the
    registry would keep (``corrected_occupancy``, D12)."""
    if shown != values_of(occupancy):
        return "stale_correction", ""
    occupant = values["occupant"]
    if problem := text_problem(occupant, "occupant", longest=longest):
        return problem, "occupant"
    moved_in = typed_day(values["moved_in"])
    if moved_in is None:
        return "date_required", "moved_in"
    moved_out = typed_day(values["moved_out"]) if values["moved_out"] else None
    if values["moved_out"] and moved_out is None:
        return "date_required", "moved_out"
    reason = values["reason"]
    if problem := text_problem(reason, "reason", longest=longest_reason):
        return problem, "reason"
    changes = WrittenOccupancyChanges(
        occupant=occupant if occupant != occupancy.occupant else msgspec.UNSET,
        moved_in=moved_in if moved_in != occupancy.moved_in else msgspec.UNSET,
        moved_out=moved_out if moved_out != occupancy.moved_out else msgspec.UNSET)
    changed = [name for name in FIELDS if getattr(changes, name) is not msgspec.UNSET]
    try:
        corrected = corrected_occupancy(household.occupants, occupancy.occupancy_id,
                                        changes, today=today)
    except ValidationFailed as exc:
        return exc.code, refused_field(exc.code, changed, moved_in, today=today)
    request = OccupancyCorrectionRequest(
        changes=changes, reason=reason,
        shown=OccupancyChanges(occupant=occupancy.occupant, moved_in=occupancy.moved_in,
                               moved_out=occupancy.moved_out))
    return Proposal(request=request, corrected=corrected, changed=changed)


def refused_field(code: str, changed: list[str], moved_in: date, *, today: date) -> str:
    """The field a refusal ``code`` of the changes to ``changed`` is said beside: a day
    out of range is the move-in if that is, else the move-out; ``no_changes`` none."""
    if code in REFUSED_FIELD:
        return REFUSED_FIELD[code]
    if code in ("date_in_future", "date_out_of_range"):
        return "moved_in" if "moved_in" in changed and (
            moved_in > today or code == "date_out_of_range") else "moved_out"
    return ""
