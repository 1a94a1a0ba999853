"""The registry's wire contract: what it answers and what its clients send, one definition
on both sides (the registry, ingest, search and the staff pages import it from here).

The registry is the system of record (architecture principle 1): ingest registers
documents and asks it for access decisions before serving text or originals; search pulls
its change feed and asks it for the caller's access filter; ingest's fixity check reads
the catalogue and reports to the audit log. The calls themselves are
``services.common.clients.registry.RegistryClient``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.contracts.fields import (
    MAX_STORED_INTEGER,
    VISIBLE,
    DocumentId,
    StoredTextReason,
)
from services.common.errors import ArchiveError, Forbidden, NotFound
from services.common.models import (
    Category,
    RetentionClass,
    SecurityLevel,
    Sha256,
    Struct,
    Username,
)
from services.common.names import tidied_location

# --- documents ---------------------------------------------------------------------------

MAX_TITLE = 500
StoredTitle = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TITLE)]
"""A document's title (题名) as stored, perhaps of blanks alone if written before
``VISIBLE`` (``services.common.contracts.fields``)."""
Title = Annotated[StoredTitle, VISIBLE]
"""A document's title as written now: something visible in it."""
MAX_LABEL = 64
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_LABEL)]
"""A paper location's building, room, cabinet or box (D7)."""
DocumentStatus = Literal["active", "destroyed", "transferred"]
"""``transferred``: sent out of the archive (移出); its record and audit stay, its
original is kept until a destruction, and it leaves the active archive's search."""
RETAINED_STATUSES: tuple[DocumentStatus, ...] = ("active", "transferred")
"""The documents whose digital copy the archive keeps, so retention governs them (R1–R6):
placed in their household's file, their due dates recomputed, swept, appraised and
destroyed alike. A transferred one's paper went away, its original stays (README,
Transfers out); destroying it deletes that original, its record stays."""
HELD_STATUS: DocumentStatus = "active"
"""The status of a document still held in its household's file (在档): the one status the
file's parts and counts, its item list (卷内目录), the catalogues and a loan request take.
A destroyed or transferred-out document has left the file; its record stays (``in_file``,
``Departure``)."""


class PaperLocation(Struct):
    """Where a paper original is kept (D7): building / room / cabinet / box, each part as
    ``services.common.names.tidied_location`` reads it (A栋 and a are A, 3柜 is 3).

    Tidied whenever one is made: decoded from a request, a manifest or a form, and read
    back from storage, so a box written two ways is one box in every catalogue, label and
    inventory, and a location recorded before this reading agrees without a migration."""

    building: Label
    room: Label
    cabinet: Label
    box: Label

    def __post_init__(self) -> None:
        self.building, self.room, self.cabinet, self.box = tidied_location(
            self.building, self.room, self.cabinet, self.box)


LOCATION_PARTS: tuple[str, ...] = PaperLocation.__struct_fields__
"""A paper location's parts in order (D7), as forms, tables and files name them."""


class ExtractionSummary(Struct):
    """How well the text was extracted, so readers know what to trust."""

    mean_confidence: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None
    pages_needing_review: list[Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]] = \
        msgspec.field(default_factory=list)
    method: Literal["text_layer", "ocr", "mixed"] | None = None


class FilingDefaults(Struct):
    """What a first filing files for a field it leaves out (``NewDocument``), as
    ``services.common.filing.filing_defaults`` decides them: the file's name without its
    extension as title (``None``: no file name to take it from), the day of the upload as
    filing date, ``ordinary``, no personal information. Never compared with a record."""

    title: StoredTitle | None
    filed_at: date
    security: SecurityLevel
    personal_info: bool


class NewDocument(Struct):
    """A registration (归档), idempotent by ``sha256``: the same bytes are the same document.

    ``household`` and ``category`` are plain strings so that a wrong value is refused with
    a domain code (422 ``invalid_household``, ``unknown_category``, ``household_required``)
    rather than a decode error. ``filed_by`` is honoured only from a service token (ingest
    files on behalf of the uploader); a user who registers directly is the filer.
    ``location`` is where the paper original is kept; ``is_copy`` marks the filed item as
    a copy of the original kept there (D7). ``language`` is the one the filer said, compared
    when the same bytes are filed again (``services.common.filing.filed_otherwise``);
    ``language_read`` the one ingest's OCR read, which the record keeps when nobody said
    one and which is never compared: it is what an engine found, not what the uploader
    filed. Likewise ``title``, ``filed_at``, ``security`` and ``personal_info`` are what
    the filer said (``None``: not said); a first filing takes ``defaults`` for what it
    leaves out (ingest's, decided when the file was uploaded; without them the registry's,
    decided the same way: ``services.common.filing.filing_defaults``), and a filing of
    bytes already filed is never compared on them.
    """

    sha256: Sha256
    category: str
    media_type: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    size_bytes: Annotated[int, msgspec.Meta(ge=0, le=2**62)]
    title: Title | None = None
    filed_at: date | None = None
    household: str | None = None
    security: SecurityLevel | None = None
    personal_info: bool | None = None
    working: bool = False
    location: PaperLocation | None = None
    is_copy: bool = False
    language: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    language_read: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    pages: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0
    extraction: ExtractionSummary | None = None
    original_filename: Annotated[str, msgspec.Meta(max_length=255)] | None = None
    filed_by: Username | None = None
    defaults: FilingDefaults | None = None


class DocumentRecord(Struct):
    """One catalogue record (目录条目): the current version of a document's metadata.

    ``working`` marks a working document (工作文件, still in use by a department): its
    metadata changes need a manager's approval (D6). ``retention_start`` is the filing
    date, or the move-out date once the document's occupancy is closed (R1);
    ``disposal_due`` is null for ``permanent``. ``former_archive_nos`` are the numbers
    it held before a correction of its year, category or household renumbered it (原档号,
    D11), oldest first: never given again, and still found by search.
    """

    document_id: str
    archive_no: str
    sha256: str
    household: str | None
    occupancy_id: int | None
    category: Category
    title: str
    filed_at: date
    security: SecurityLevel
    personal_info: bool
    working: bool
    location: PaperLocation | None
    is_copy: bool
    language: str | None
    pages: int
    extraction: ExtractionSummary | None
    media_type: str
    size_bytes: int
    original_filename: str | None
    retention_class: RetentionClass
    retention_start: date
    disposal_due: date | None
    status: DocumentStatus
    version: int
    filed_by: str
    registered_at: datetime
    updated_at: datetime
    former_archive_nos: list[str] = msgspec.field(default_factory=list)


def in_file(record: DocumentRecord) -> bool:
    """Whether ``record`` is still held in its household's file (``HELD_STATUS``): shown
    and counted in it, printed in its item list, offered for a loan."""
    return record.status == HELD_STATUS


class DestroyedFromFile(Struct, tag="destroyed", tag_field="status"):
    """A document that left its file by destruction (R6): ``at`` the moment the register
    ``destruction_id`` destroyed it."""

    document_id: str
    at: datetime
    destruction_id: str


class TransferredFromFile(Struct, tag="transferred", tag_field="status"):
    """A document that left its file transferred out of the archive (移出) to
    ``recipient`` by the transfer ``transfer_id``; its original is kept."""

    document_id: str
    at: datetime
    transfer_id: str
    recipient: str


Departure = DestroyedFromFile | TransferredFromFile
"""How a document left its household's file (``GET /registry/households/{household}/
departures``); its ``status`` is the document's."""


# --- access decisions --------------------------------------------------------------------

Action = Literal["list", "read", "read_text", "download", "correct"]
"""``list``/``read``: the catalogue record; ``read_text``: the content (text, page images),
possibly view-only; ``download``: the original bytes or any export; ``correct``: metadata."""

DecisionCode = Literal[
    "allowed", "not_visible", "needs_grant", "view_only", "role_required", "destroyed",
    "above_clearance",
]


class Decision(Struct):
    """The answer of ``can()``: ``not_visible`` is a 404 (existence must not leak), the
    other refusals are 403; ``view_only`` means read in the system, no download (B2)."""

    allowed: bool
    code: DecisionCode
    reason: str
    view_only: bool = False

    def error(self) -> ArchiveError:
        """The error a route answers a refusal with."""
        if self.code == "not_visible":
            return NotFound(self.reason, code="unknown_document")
        if self.code == "destroyed":
            return NotFound(self.reason, code="document_destroyed")
        return Forbidden(self.reason, code=self.code)

    def enforce(self) -> None:
        """Raise the refusal's ``error()``; do nothing if allowed."""
        if not self.allowed:
            raise self.error()


CorrectionLimitCode = Literal["document_destroyed", "already_transferred",
                              "in_destruction_register", "on_hold"]


class CorrectionLimit(Struct):
    """What a correction of a document may not change now, and why: a correction naming
    them is refused (409 ``code``; ``reason`` says what to do), so a form shows them as not
    correctable. ``closed``: none of its fields (``fields`` lists them all). Decided by
    ``services.common.contracts.corrections.correction_limit``; ``register``: the
    destruction register that lists the document (``in_destruction_register``)."""

    code: CorrectionLimitCode
    reason: str
    fields: list[str]
    closed: bool = False
    register: str | None = None


class DocumentPermissions(Struct):
    """What the caller may do with a document they may see, asked before offering it (the
    staff pages show a download only where ``download`` allows it, and otherwise its
    reason; ``needs_grant`` means a loan is the way), with its catalogue record."""

    document: DocumentRecord
    read_text: Decision
    download: Decision
    correction_limit: CorrectionLimit | None = None
    """To one who may correct the record (D6): what a correction may not change now
    (None: nothing stops one); to others, None."""


class AccessRequest(Struct):
    document_id: DocumentId
    action: Action
    viewing: bool = False
    """The ask is part of a person's viewing of the document in the staff pages (a page
    turned, its image, its boxes): a ``read_text`` then joins the read already in the audit
    log for the same person and document within the viewing window, instead of another
    entry. Reads through the API (``/text``, ``/original``) never set it."""
    served_after_check: bool = False
    """The asking service hands out the original only once it has checked its bytes
    (ingest's ``/original``): an allowed ``download`` is then audited when the service
    reports what became of it (``DownloadOutcome``), not with this answer, so the trail
    never shows a download allowed that was refused for a lost or altered original."""


OriginalDamage = Literal["original_missing", "original_altered"]
"""Why an original cannot be handed out: lost from the store, or its bytes changed."""


class DownloadOutcome(Struct):
    """What became of a download the registry allowed (``served_after_check``): served,
    or refused because the stored original is lost or altered (``refused``, with why)."""

    document_id: DocumentId
    username: Username
    refused: OriginalDamage | None = None
    reason: str = ""


class AccessAnswer(Decision):
    """A decision, with the catalogue record when the document is visible to the caller."""

    document: DocumentRecord | None = None

    def allowed_document(self) -> DocumentRecord:
        """The record, if the decision allows; else the refusal's ``error()``."""
        self.enforce()
        if self.document is None:
            raise NotFound("no such document", code="unknown_document")
        return self.document


MAX_VISIBILITY_IDS = 1000
"""Document ids one visibility question may ask about."""


class VisibilityQuestion(Struct):
    """Which of these documents may the caller know exist?"""

    document_ids: Annotated[list[DocumentId], msgspec.Meta(max_length=MAX_VISIBILITY_IDS)]


class VisibleDocuments(Struct):
    """The ids of a ``VisibilityQuestion`` the caller may know exist, in its order."""

    document_ids: list[str]


class AccessFilter(Struct):
    """What search puts inside its query so totals and facets never count the unseen.

    Visible (listed, metadata shown): ``unrestricted`` or ``security`` in
    ``visible_levels`` or ``document_id`` in ``granted``. Content searchable (text,
    highlights): ``unrestricted``, or ``security`` in ``readable_levels`` and not
    ``personal_info``, or ``document_id`` in ``granted``. (Search's own filter is
    ``clearance`` plus ``granted`` as its full-text ids.)
    """

    unrestricted: bool
    clearance: SecurityLevel
    visible_levels: list[SecurityLevel]
    readable_levels: list[SecurityLevel]
    granted: list[str]


# --- history -----------------------------------------------------------------------------

AuditDetail = str | int | float | bool | None | list[str]


AuditOutcome = Literal["allowed", "refused"]


class AuditTrailEntry(Struct):
    """One audit entry about a document (O4), as its reader may see it."""

    seq: int
    at: datetime
    username: str
    action: str
    outcome: AuditOutcome
    code: str | None
    detail: dict[str, AuditDetail]


REDACTED_DETAIL: dict[str, AuditDetail] = {"redacted": True}
"""An audit entry's detail in place of what it recorded, for a reader who may not know of
its document or household (counted, not named)."""


class AuditRecord(Struct):
    """One entry of the audit log (O4) as ``GET /registry/audit`` answers it, with the
    links of its keyed chain."""

    seq: int
    at: datetime
    username: str
    action: str
    document_id: str | None
    outcome: AuditOutcome
    code: str | None
    detail: dict[str, AuditDetail]
    prev_hash: str
    hash: str
    archive_no: str | None = None
    """The archive number of the entry's document, where the reader may know of it (not in
    the chain: the number a correction gave it since, D11, names it now)."""


ChainProblem = Literal["entry_missing", "entry_unlinked", "entry_edited", "newest_deleted",
                       "head_mismatch", "entry_inserted", "anchor_moved", "log_rewritten",
                       "anchor_forged"]
"""What is wrong with the audit log's chain, for a page to say in words: an entry deleted or
renumbered, one that does not follow the one before, one edited, the newest deleted, the
newest not the one the head recorded, one inserted after the newest, the keyed chain's
start moved, the log rewritten since its anchor, the anchor not the archive's."""


class ChainReport(Struct):
    """What checking the audit log's keyed chain found (``GET /registry/audit/verify``,
    ``archive audit verify``): intact, or the first entry whose link does not hold."""

    intact: bool
    entries: int
    broken_at: int | None = None
    """``seq`` of the first entry whose link does not hold."""
    problem: str | None = None
    """What is wrong, in English with the entries' numbers (for the log and the command)."""
    reason: ChainProblem | None = None
    """What is wrong, as a code a page words in the reader's language."""
    anchored_seq: int | None = None
    """The newest entry anchored in the object store, when an anchor was checked."""
    anchored_at: datetime | None = None


# --- change feed -------------------------------------------------------------------------


class FeedDocument(Struct):
    """The document fields an event carries: enough for search to index without a call."""

    document_id: str
    archive_no: str
    sha256: str
    household: str | None
    category: Category
    title: str
    filed_at: date
    security: SecurityLevel
    personal_info: bool
    status: DocumentStatus
    version: int
    language: str | None
    pages: int
    former_archive_nos: list[str] = msgspec.field(default_factory=list)
    """Its archive numbers before a renumbering correction (D11), to be found by."""


class DocumentFiled(Struct, tag="document_filed", tag_field="kind"):
    document: FeedDocument


class DocumentCorrected(Struct, tag="document_corrected", tag_field="kind"):
    document: FeedDocument
    fields: list[str]


class SecurityChanged(Struct, tag="security_changed", tag_field="kind"):
    """A correction that changed ``security`` or ``personal_info``: who may see it changed."""

    document: FeedDocument
    fields: list[str]
    previous_security: SecurityLevel
    previous_personal_info: bool


class HouseholdChanged(Struct, tag="household_changed", tag_field="kind"):
    """Created, new occupant (D2), move-out (D3) or an occupancy corrected (D12). Closing
    an occupancy restarts the retention clock of its documents, and documents filed within
    an occupancy move into its part (each restart and move with its own
    ``DocumentCorrected``);
    ``documents_recomputed`` says how many clocks were recomputed, ``documents_attached``
    how many documents moved; both None for a person who may not know of every document
    (``access.knows_every_document``). ``created``: registered on purpose (开户), or made by
    filing a document under a new unit code (no label), and announced again when such a
    household is registered."""

    household: str
    change: Literal["created", "occupant_changed", "moved_out", "occupancy_corrected"]
    label: str | None
    occupancy_id: int | None = None
    documents_recomputed: int | None = 0
    documents_attached: int | None = 0


class ScheduleChanged(Struct, tag="schedule_changed", tag_field="kind"):
    """The retention schedule changed (R1); ``disposal_due`` was recomputed."""

    classes: dict[str, RetentionClass]
    years: dict[str, int]
    documents_recomputed: int


class DocumentDestroyed(Struct, tag="document_destroyed", tag_field="kind"):
    """Destroyed (R6): search drops it; ingest deletes the original and derived files."""

    document: FeedDocument
    destroyed_at: datetime


class DocumentTransferred(Struct, tag="document_transferred", tag_field="kind"):
    """Transferred out of the archive (移出): search drops it; the original is kept."""

    document: FeedDocument
    transfer_id: str
    recipient: str
    transferred_at: datetime


TextEngine = Literal["ppocr", "tesseract"]


class TextRevision(Struct):
    """Ingest tells the registry that a document's page texts have a new version (re-read
    by OCR with ``archive reocr``, or corrected by a person: ``engine`` null). The original
    is untouched (D6); the older text is kept by ingest."""

    text_version: Annotated[int, msgspec.Meta(ge=2, le=MAX_STORED_INTEGER)]
    engine: TextEngine | None
    reason: StoredTextReason
    revised_by: Username
    language: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    extraction: ExtractionSummary | None = None


class TextRevised(Struct, tag="text_revised", tag_field="kind"):
    """A document's page texts have a new version: search reads them again and reindexes."""

    document: FeedDocument
    text_version: int
    engine: TextEngine | None
    reason: str
    revised_by: str


class LoanChanged(Struct, tag="loan_changed", tag_field="kind"):
    """A loan (借阅, B3–B5) moved: requested, approved (one step), rejected, withdrawn
    (closed before it was lent, by its applicant or at the borrower's departure, B9),
    issued, acknowledged, renewed, copy_recorded, returned, past_due (fell due unreturned,
    its borrower reminded, B4), escalated (B4) or had its incident resolved (B5).
    ``status`` is the loan's state after the move; ``documents`` are the lent documents'
    ids."""

    loan_id: str
    change: Literal["requested", "approved", "rejected", "issued", "acknowledged", "renewed",
                    "copy_recorded", "returned", "past_due", "escalated",
                    "incident_resolved", "withdrawn"]
    status: Literal["requested", "approved", "rejected", "out", "returned"]
    borrower: str
    documents: list[str]


ChangeEvent = (
    DocumentFiled | DocumentCorrected | SecurityChanged | HouseholdChanged | ScheduleChanged
    | DocumentDestroyed | DocumentTransferred | LoanChanged | TextRevised
)
"""Every event the registry appends; consumers ``match`` on it and skip what they ignore."""


class Change(Struct):
    seq: int
    at: datetime
    event: ChangeEvent


class FeedPage(Struct):
    """``changes`` after the cursor in ``seq`` order; continue from ``last_seq``
    (the cursor itself when empty); ``head`` is the newest ``seq``, to measure lag."""

    changes: list[Change]
    last_seq: int
    head: int


def feed_document(record: DocumentRecord) -> FeedDocument:
    return FeedDocument(
        document_id=record.document_id, archive_no=record.archive_no, sha256=record.sha256,
        household=record.household, category=record.category, title=record.title,
        filed_at=record.filed_at, security=record.security,
        personal_info=record.personal_info, status=record.status, version=record.version,
        language=record.language, pages=record.pages,
        former_archive_nos=record.former_archive_nos,
    )


# --- fixity (reliability promise 6) ------------------------------------------------------


class NumberGap(Struct):
    """Archive numbers of a series (the number without its ``-NNNN``, e.g.
    ``2024-correspondence-A-1201``) that no record holds, between 1 and the higher of its
    counter and its highest number in use (D8: destruction keeps records, so never a gap).
    ``missing`` lists the lowest 1 000 at most (a counter set to a billion must not answer
    a billion numbers); ``unlisted`` counts the rest."""

    series: str
    missing: list[int]
    unlisted: int = 0


class CounterMismatch(Struct):
    """A series whose counter is below its highest number in use (the next filing would
    take a number already held), or which has a counter row and no records or records and
    no counter row (the missing side is 0)."""

    series: str
    counter: int
    highest: int


class NumberingReport(Struct):
    """The archive-number check over the whole catalogue (D8): how many ``series`` and
    ``documents`` (catalogue records) were checked, and what is wrong. ``duplicates`` are
    archive numbers held by more than one record (the schema's unique constraint forbids
    them; the check does not rely on it); ``malformed`` are archive numbers that are not
    ``{series}-{NNNN}`` at all, and count in no series."""

    series: int
    documents: int
    gaps: list[NumberGap]
    duplicates: list[str]
    counter_mismatches: list[CounterMismatch]
    malformed: list[str] = msgspec.field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.gaps or self.duplicates or self.counter_mismatches or self.malformed)


class FixityEntry(Struct):
    """What the fixity job needs to re-hash one original against its catalogue record,
    and to check its lock (``disposal_due`` null: permanent)."""

    document_id: str
    archive_no: str
    sha256: str
    status: DocumentStatus
    pages: int
    size_bytes: int
    updated_at: datetime
    disposal_due: date | None = None


class AwaitingScan(Struct):
    """The originals (SHA-256) of the records catalogued before their scan and still
    without it (``awaits_scan``)."""

    sha256s: list[str]


class FixityPage(Struct):
    """Catalogue records (destroyed ones included) in ``document_id`` order; continue with
    ``after=next_after``, which is null on the last page."""

    entries: list[FixityEntry]
    next_after: str | None


FixityFindingKind = Literal[
    "original_missing", "original_altered", "text_missing", "text_incomplete",
    "destroyed_original_kept", "archive_number_gap", "archive_number_duplicate",
    "archive_counter_mismatch", "archive_number_malformed", "original_unaccounted",
    "text_version_missing",
    "original_unlocked",
    "preview_missing",
]
FINDING_NAMES: dict[FixityFindingKind, str] = {
    "original_missing": "原件缺失", "original_altered": "原件被改动",
    "original_unlocked": "原件未锁定", "text_missing": "文字缺失",
    "text_incomplete": "文字不全", "text_version_missing": "旧版文字缺失",
    "preview_missing": "预览缺失", "destroyed_original_kept": "已销毁的原件仍在存储中",
    "archive_number_gap": "档号有空缺", "archive_number_duplicate": "档号重复",
    "archive_counter_mismatch": "档号计数与已用档号不符",
    "archive_number_malformed": "档号格式不对", "original_unaccounted": "存储中有未登记的原件",
}
"""What a fixity run found (``FixityFinding.kind``), as a ``fixity_finding`` entry on a
document's audit trail says it."""

NUMBERING_FINDINGS: frozenset[FixityFindingKind] = frozenset({
    "archive_number_gap", "archive_number_duplicate", "archive_counter_mismatch",
    "archive_number_malformed"})
"""Findings about archive-number series, which name documents of every level (their
series and numbers): read only by those cleared for ``secret``."""


class FixityFinding(Struct):
    """One mismatch a fixity run found between the store and the catalogue; ``redacted``
    when shown to a reader not cleared for what it names (counted, not named)."""

    kind: FixityFindingKind
    detail: str
    """The checker's sentence (English: terminals and logs), naming what the fields below
    hold as values, for the pages to say in their own words."""
    document_id: str | None = None
    archive_no: str | None = None
    redacted: bool = False
    series: str | None = None
    """A numbering finding's series (``{year}-{category}-{household}``)."""
    missing_numbers: list[int] = msgspec.field(default_factory=list)
    """``archive_number_gap``: the numbers the series lacks (the lowest, listed)."""
    more_missing: int | None = None
    """``archive_number_gap``: how many more it lacks, beyond those listed."""
    counter: int | None = None
    """``archive_counter_mismatch``: where the series' counter stands."""
    highest: int | None = None
    """``archive_counter_mismatch``: the highest number in use in the series."""
    recorded_bytes: int | None = None
    """``original_altered``: the original's size as its record says."""
    stored_bytes: int | None = None
    """``original_altered``: the stored bytes read (a lower bound when reading stopped as
    they passed the record's size)."""
    stored_sha256: str | None = None
    """``original_altered``: what the stored bytes hash to (none when reading stopped)."""
    sha256: str | None = None
    """``original_unaccounted``: the stored original no record or job names."""
    pages: int | None = None
    """``text_incomplete``: the document's pages."""
    pages_with_text: int | None = None
    """``text_incomplete``: the lines of page text stored."""
    text_version: int | None = None
    """``text_version_missing``: the text version lost."""
    previews_missing: int | None = None
    """``preview_missing``: how many page preview files are not stored."""
    locked_until: datetime | None = None
    """``original_unlocked``: the lock it had (none: no lock)."""
    lock_needed_until: date | None = None
    """``original_unlocked``: its due date, the lock it needs (none: permanent)."""
    relocked_until: datetime | None = None
    """``original_unlocked``: the lock this run set (none: it set none)."""


class FixityResult(Struct):
    """What a finished fixity run reports to the registry's audit log."""

    run_id: str
    trigger: str
    started_by: str
    documents_checked: int
    bytes_hashed: int
    findings: list[FixityFinding]


# --- registration ------------------------------------------------------------------------


class Registration(Struct):
    """The answer to a filing: the record, and whether this filing created it."""

    document: DocumentRecord
    created: bool
    """False when the same bytes were already registered: the existing record."""
