"""The document page's correction of the catalogue record (更正著录, D6, D10): the form,
prefilled with the record as it is, for those the registry lets correct it
(``RECORD_CORRECTORS``); what was typed read into the changes it asks for; and what the
page says after: applied, waiting for whom, or why it was refused.

Only the fields typed differently are sent: the registry decides who must approve by the
fields a correction names (a correction naming only a raised security level applies at
once, even on a working document), and a form sends every field.

The form says which version of the record it showed (``base_version``), and the
correction is sent with it: "typed differently" means from what the form showed, so when
the record changed meanwhile (someone else's correction) the form is refused
(``stale_correction``) rather than sending the other person's old values back as changes.
It is shown again with the record as it is now and the fields the person changed kept.

What a correction may not change now is the registry's answer beside the record
(``DocumentPermissions.correction_limit``): the form shows those fields as they are, not
to be typed over, saying why; a record closed to every correction (a destroyed
document's) gets no form, only why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import msgspec

from services.common.auth import Principal
from services.common.contracts.corrections import (
    LOWERING_APPROVERS,
    MAX_LANGUAGE,
    CorrectionRequest,
    MetadataChanges,
    WrittenMetadataChanges,
    approvers_for,
    moves_household,
)
from services.common.contracts.fields import MAX_NOTE
from services.common.contracts.registry import (
    LOCATION_PARTS,
    MAX_LABEL,
    MAX_TITLE,
    CorrectionLimit,
    DocumentRecord,
    PaperLocation,
)
from services.common.filing import RECORD_CORRECTORS
from services.common.models import CATEGORIES, CATEGORY_NAMES, SECURITY_LEVEL_NAMES, SECURITY_LEVELS
from services.common.names import tidied_household, written
from services.web.household_page import typed_day
from services.web.links import destruction_url, document_url

CORRECTION_ANCHOR = "#correct-record"
TICKED = ("personal_info", "working", "is_copy")
"""The yes-or-no fields, ticked boxes on the form."""
CATEGORY_CHOICES: list[tuple[str, str]] = [(code, CATEGORY_NAMES[code]) for code in CATEGORIES]
SECURITY_CHOICES: list[tuple[str, str]] = [
    (code, SECURITY_LEVEL_NAMES[code]) for code in SECURITY_LEVELS]
LANGUAGE_CHOICES: list[tuple[str, str]] = [
    ("", "未登记（按设置识别）"), ("chi_sim", "简体中文"), ("chi_tra", "繁体中文"), ("eng", "英文")]
"""A document's script, by the OCR model that reads it (README: a ``language`` decides for
every page); a value stored otherwise is offered as it is, so it is kept unless changed."""


REFUSED_FIELDS = {"above_clearance": "security", "unknown_category": "category",
                  "invalid_household": "household", "household_required": "household",
                  "date_out_of_range": "filed_at", "date_in_future": "filed_at",
                  "no_changes": "title", "on_hold": "household", "already_transferred": "category",
                  "in_destruction_register": "category", "too_long": "title",
                  "validation_failed": "title"}
"""The field to put right when the registry refuses a correction with the code."""


def correction_url(document_id: str) -> str:
    """Where the document page's form posts."""
    return f"{document_url(document_id)}/corrections"


def may_correct_record(principal: Principal) -> bool:
    """Whether the page offers the form: the registry lets archivists correct a record
    (D6); what of it they may not change now, the registry answers
    (``RecordCorrection.limit``)."""
    return principal.has_role(*RECORD_CORRECTORS)


def record_values(record: DocumentRecord) -> dict[str, str]:
    """The form's fields as the record is now."""
    location = msgspec.structs.asdict(record.location) if record.location else {}
    return {
        "title": record.title, "category": record.category,
        "filed_at": record.filed_at.isoformat(), "household": record.household or "",
        "security": record.security,
        **{name: "1" if getattr(record, name) else "" for name in TICKED},
        **{f"location_{part}": str(location.get(part, "")) for part in LOCATION_PARTS},
        "language": record.language or "", "reason": "",
        "base_version": str(record.version),
    }


def typed_over(record: DocumentRecord, shown: dict[str, object] | None,
               typed: dict[str, str]) -> dict[str, str]:
    """The form after the record changed while it was filled in: the record's values now
    (and its version), with the fields the person changed from what the form showed
    (``shown``: the metadata of the version it showed, None when not known) as typed,
    and their reason."""
    was = _form_of(record, shown)
    kept = {name: value for name, value in typed.items()
            if was is not None and name in was and name != "base_version"
            and value != was[name]}
    return record_values(record) | kept | {"reason": typed.get("reason", "")}


def _form_of(record: DocumentRecord, metadata: dict[str, object] | None
             ) -> dict[str, str] | None:
    """The form's fields as an older version's ``metadata`` had them; None when not known."""
    if metadata is None:
        return None
    try:
        then = msgspec.convert({name: value for name, value in metadata.items()
                                if name in MetadataChanges.__struct_fields__},
                               MetadataChanges)
    except msgspec.ValidationError:
        return None
    return record_values(msgspec.structs.replace(record, **{
        name: value for name, value in msgspec.structs.asdict(then).items()
        if value is not msgspec.UNSET}))


@dataclass(frozen=True)
class Asked:
    """The changes a form asks for, or the ``problem`` with it and the ``field`` to put
    right (``wrong``, its id on the page)."""

    request: CorrectionRequest | None = None
    problem: str = ""
    wrong: str = ""


def asked_correction(record: DocumentRecord, values: dict[str, str]) -> Asked:
    """What the form ``values`` change in ``record``, with the reason; a field left as it
    is is not named (``no_changes`` when none differs). A form that showed another version
    of the record than its current one (or does not say which) is ``stale_correction``:
    what it shows is no longer the record, so its fields cannot say what was changed."""
    if values.get("base_version") != str(record.version):
        return Asked(problem="stale_correction")
    title = written(values.get("title", ""))
    if not title:
        return Asked(problem="title_required", wrong="title")
    filed_at = typed_day(values.get("filed_at", ""))
    if filed_at is None:
        return Asked(problem="date_required", wrong="filed_at")
    parts = [values.get(f"location_{part}", "").strip() for part in LOCATION_PARTS]
    if any(parts) and not all(parts):
        return Asked(problem="location_incomplete", wrong="location_building")
    language = values.get("language", "").strip()
    reason = written(values.get("reason", ""))
    if len(title) > MAX_TITLE or len(language) > MAX_LANGUAGE or len(reason) > MAX_NOTE \
            or any(len(part) > MAX_LABEL for part in parts):
        return Asked(problem="too_long", wrong="title")
    wanted: dict[str, object] = {
        "title": title, "category": values.get("category", ""), "filed_at": filed_at,
        # D11: a unit code however typed (a0301, A-1201); none for a company document.
        "household": tidied_household(values.get("household", "")) or None,
        "security": values.get("security", ""),
        **{name: bool(values.get(name)) for name in TICKED},
        "location": PaperLocation(*parts) if all(parts) else None,
        "language": language or None,
    }
    changed = {name: value for name, value in wanted.items()
               if getattr(record, name) != value}
    if not changed:
        return Asked(problem="no_changes", wrong="title")
    if not reason:
        return Asked(problem="reason_required", wrong="reason")
    try:
        changes = msgspec.convert(changed, WrittenMetadataChanges, from_attributes=True)
    except msgspec.ValidationError:
        return Asked(problem="invalid_value", wrong="title")
    return Asked(CorrectionRequest(changes=changes, reason=reason,
                                   base_version=record.version))


def waits_for(record: DocumentRecord, changes: MetadataChanges) -> str:
    """Who a pending correction waits for, as the page's address names it (``?waits=``):
    ``protection`` (a director or centre head, D10), ``household`` (a manager: it moves
    the document to another household's file, D11) or ``working`` (a manager, D6)."""
    if approvers_for(record, changes) == LOWERING_APPROVERS:
        return "protection"
    return "household" if moves_household(record, changes) else "working"


@dataclass(frozen=True)
class ChangedMeanwhile:
    """The record changed while a person filled in the form: the ``version`` it is at
    now, who made it (``by``) and when (``at``), and the ``fields`` changed since the form
    was shown, by their labels (empty when the form did not say which version it showed)."""

    version: int
    by: str
    at: datetime
    fields: list[str]


@dataclass(frozen=True)
class RecordCorrection:
    """The form on the document page: its ``values`` (the record's, or as typed when
    refused), the refusal's ``problem`` code and the field to put right (``wrong``), and
    how the record ``changed`` meanwhile when refused for that (``stale_correction``)."""

    action: str
    values: dict[str, str]
    problem: str = ""
    wrong: str = ""
    changed: ChangedMeanwhile | None = None
    limit: CorrectionLimit | None = None
    """What a correction may not change now, as the registry answered; None: nothing."""
    categories: ClassVar[list[tuple[str, str]]] = CATEGORY_CHOICES
    levels: ClassVar[list[tuple[str, str]]] = SECURITY_CHOICES
    languages: ClassVar[list[tuple[str, str]]] = LANGUAGE_CHOICES

    @property
    def fixed(self) -> frozenset[str]:
        """The fields shown as they are, not to be typed over (``limit``)."""
        return frozenset(self.limit.fields) if self.limit is not None else frozenset()

    @property
    def register_url(self) -> str | None:
        """The page of the destruction register that lists the document, if one does."""
        register = self.limit.register if self.limit is not None else None
        return destruction_url(register) if register is not None else None
