"""The document page (``/ui/documents/{document_id}``): the catalogue record, one page's
image beside its text with the search terms marked in both, page navigation, the
document's history, and download or the reason there is none.

Every value here comes from the services' answers for the signed-in person: whether the
text may be read and the original downloaded is the registry's decision
(``DocumentPermissions``), shown with its reason; this module only arranges it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.common.audit_actions import ACTION_NAMES
from services.common.contracts.catalogue import DocumentVersion
from services.common.contracts.ingest import (
    DEFAULT_REASON,
    FILING_REASON,
    ExtractedText,
    OcrEngineName,
    PageBox,
    PageBoxes,
    TextMadeBy,
    TextVersionEntry,
)
from services.common.contracts.lending import Loan
from services.common.contracts.registry import FINDING_NAMES as FINDING_NAMES
from services.common.contracts.registry import (
    AuditTrailEntry,
    CorrectionLimit,
    DocumentPermissions,
    DocumentRecord,
    FixityFindingKind,
    in_file,
)
from services.common.contracts.retention import DESTRUCTION_STATUS_NAMES, DisposalStanding, Hold
from services.common.models import (
    CATEGORY_NAMES,
    RETENTION_CLASS_NAMES,
    SECURITY_LEVEL_NAMES,
)
from services.web.failures import Away
from services.web.links import (
    INGEST_PATH,
    address,
    destruction_url,
    document_url,
    household_url,
    page_image_url,
    sweep_url,
    text_version_url,
)
from services.web.marking import Found, Run, found_in, marked_boxes, query_words, runs
from services.web.record_correction import (
    ChangedMeanwhile,
    RecordCorrection,
    correction_url,
    typed_over,
)
from services.web.retention_page import DECISION_NAMES
from services.web.review_page import REVIEW_PATH
from services.web.version_reasons import ShownReason, shown_reason


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    active: bool
    marked: bool
    """The search terms stand on this page."""
    after_gap: bool = False
    """Pages between the one linked before and this one are not linked (an ellipsis)."""


PAGES_AROUND = 2
"""Pages linked on each side of the one shown. A long document links only those, its first
and last page and the pages holding the search terms next before and after it: a contract
of 300 pages linking each page put 300 links (four phone screens of buttons, 300 Tab
presses) between the record and the scan; any page is reached by the page number form."""


READING = "page-heading"
"""The id of the page's heading, where page turns land (its image and text are under it):
turned to the top, a reader on a tablet or a phone scrolled past the record (a screen of
it) again at every page of a 120-page contract."""


def linked_pages(numbers: list[int], shown: int) -> list[int]:
    """The page numbers the navigation links, in order, out of the document's ``numbers``:
    the first, the last and those within ``PAGES_AROUND`` of ``shown``."""
    if not numbers:
        return []
    index = numbers.index(shown) if shown in numbers else 0
    near = numbers[max(0, index - PAGES_AROUND):index + PAGES_AROUND + 1]
    return sorted({numbers[0], numbers[-1], *near})


@dataclass(frozen=True)
class ShownPage:
    number: int
    runs: list[Run]
    marks: int
    image_url: str | None
    """The page's preview, when ingest has one."""
    large_image_url: str | None
    """The page's large image, shown when it is enlarged past the preview."""
    width: int = 0
    height: int = 0
    boxes: list[PageBox] = field(default_factory=list)
    """The boxes the search terms cover, in the preview's pixels."""
    blank: bool = False
    """No text was found on the page (a blank scan, or a page corrected to empty)."""


@dataclass(frozen=True)
class DocumentPage:
    record: DocumentRecord
    category_name: str
    retention_name: str
    security_name: str
    household_url: str | None
    q: str
    permissions: DocumentPermissions
    download_url: str | None
    """The original's download, offered only where the registry allows it and ingest
    holds the original."""
    may_borrow: bool
    """A loan is the way to read it (``needs_grant``) and it is still in its file, so lent
    (``in_file``): the page offers to ask for one."""
    page: ShownPage | None
    """None when the text may not be read (``permissions.read_text`` says why) or none
    was extracted."""
    pages: list[PageLink]
    """The pages linked (``linked_pages``), not every page of a long document."""
    previous_url: str | None
    next_url: str | None
    history_url: str
    page_count: int = 0
    """How many pages the text has (the number form's range)."""
    turn_url: str = ""
    """Where the page number form goes (the page heading of the page asked for)."""
    previous_marked_url: str | None = None
    """The nearest page before the one shown that holds the search terms; else None."""
    next_marked_url: str | None = None
    """The nearest page after the one shown that holds the search terms; else None."""
    correct_url: str | None = None
    """The review page for the page shown, to a reader who corrects text (校对)."""
    record_correction: RecordCorrection | None = None
    """The form correcting the record (更正著录), to those who may; else None."""
    done: str = ""
    """What the last correction did: ``corrected`` (applied) or ``correction_pending``."""
    waits: str = ""
    """Whom a pending correction waits for (``record_correction.waits_for``)."""
    holds: list[Hold] = field(default_factory=list)
    """The active legal holds covering it (R7), to who reads retention; else none."""
    disposal: DisposalStanding | None = None
    """Where it stands on its way to destruction (R2–R6), to who reads retention: the
    open sweep that lists it and the register that lists it; else none."""
    sweep_url: str | None = None
    """The sweep's page at this document's item."""
    destruction_url: str | None = None
    destruction_status_name: str = ""
    decision_name: str = ""
    """The appraisers' decision on its sweep item, in words, once two have agreed."""
    not_uploaded: bool = False
    """The catalogue records the document but its original was never uploaded (a paper
    file catalogued before it was scanned): there is nothing to download, and the page
    says so instead of offering 下载原件."""
    upload_url: str | None = None
    """Where the original is uploaded (数字化), to one who uploads (an archivist), when it
    was never uploaded; else None."""
    away: Away | None = None
    """Ingest's store (the originals, the texts, the previews), or ingest itself, could
    not be reached: the record shows, and the text, the page images and 下载原件 say they
    are unavailable for now, why, and to try again later."""


APPROVED_CORRECTION = "批准更正"
"""A ``corrected`` entry under an approver's name: they applied someone's correction."""


_PUT_BACK = "从备份放回原件（见 README 的“Putting back one original”），然后再运行 archive fixity"
_NUMBERING = ("档号应当连续、各不重复：保留一份数据库副本，对照备份查明是数据被改动还是写入丢失，"
              "并报告合规负责人")
FINDING_NEXT_STEPS: dict[FixityFindingKind, str] = {
    "original_missing": _PUT_BACK, "original_altered": _PUT_BACK,
    "original_unlocked": ("本次检测已锁定的原件，下次检测不再报告；仍然报告的，"
                          "请系统管理员检查对象存储的锁定设置"),
    "text_missing": "重新导入原件（archive ingest），重新提取各页文字",
    "text_incomplete": "重新导入原件（archive ingest），重新提取各页文字",
    "text_version_missing": "从备份恢复这一版文字",
    "preview_missing": "运行 archive derive --missing 重新生成页面预览",
    "destroyed_original_kept": ("文件已销毁，原件却仍在存储中：请系统管理员查明为什么没有删除，"
                                "删除后再运行 archive fixity"),
    "archive_number_gap": _NUMBERING, "archive_number_duplicate": _NUMBERING,
    "archive_counter_mismatch": _NUMBERING, "archive_number_malformed": _NUMBERING,
    "original_unaccounted": ("查明这个原件从哪里来：应当归档的，用 archive ingest 重新导入；"
                             "否则报告合规负责人"),
}
"""What to do about each kind of finding, as the audit log says it beside the finding."""


FIELD_NAMES = {
    "household": "户号", "title": "题名", "category": "类别", "filed_at": "归档日期",
    "security": "密级", "personal_info": "含业主个人信息", "working": "在办文件",
    "location": "纸质原件位置", "is_copy": "复印件", "language": "语言",
    "occupancy_id": "所属住户部分", "archive_no": "档号",
    "retention_class": "保管期限", "retention_start": "保管起算日", "disposal_due": "到期日期",
}
"""D6: the fields a version changed, by the labels the record shows: the correctable
ones (the household among them, D11), the archive number a correction of the year,
category or household renews (D11), and those an appraisal (R3) or a change of the
occupants history (D3) sets."""

LOAN_STATUS_NAMES = {
    "requested": "待批准", "approved": "已批准", "rejected": "已驳回", "out": "借出中",
    "returned": "已归还",
}
"""The loans' statuses (B3-B5) by their Chinese names; a status not named shows as coded."""
WITHDRAWN_NAME = "已撤回"
DIGITAL_STATUS_NAMES = {"out": "查阅中", "returned": "查阅已结束"}
"""A digital loan's statuses where a paper loan's names (借出中, 已归还) would not fit: it is
opened for reading in the system and ended, nothing is handed over."""
LOAN_KIND_NAMES = {"paper": "纸质借出", "digital": "电子查阅（只读）"}
"""The kinds of loan (B2) by one name each, on the loan pages and a document's history."""


def loan_status_name(loan: Loan) -> str:
    """The loan's status by its Chinese name; a request withdrawn (``rejected``, closed by
    its applicant or at the borrower's departure) is named apart from one refused."""
    if loan.rejection is not None and loan.rejection.withdrawn:
        return WITHDRAWN_NAME
    if loan.kind == "digital" and loan.status in DIGITAL_STATUS_NAMES:
        return DIGITAL_STATUS_NAMES[loan.status]
    return LOAN_STATUS_NAMES.get(loan.status, loan.status)

@dataclass(frozen=True)
class VersionLine:
    version: DocumentVersion
    reason: ShownReason
    changes: list[str]
    """The changed fields' names; empty for the first filing."""


@dataclass(frozen=True)
class LoanLine:
    loan: Loan
    status: str
    kind: str


@dataclass(frozen=True)
class AuditLine:
    entry: AuditTrailEntry
    action: str
    note: str = ""
    """What the entry says beside its action: why a text was revised."""
    finding: str = ""
    """What a fixity run found, by its name (``FINDING_NAMES``), for the page to translate."""
    proposer: str = ""
    """Who proposed the correction an approver applied (``APPROVED_CORRECTION``)."""


TEXT_MADE_BY_NAMES: dict[TextMadeBy, str] = {
    "filing": "归档时识别", "reocr": "重新识别", "correction": "人工校对"}
"""What made a text version, in the words staff use for it."""
ENGINE_NAMES: dict[OcrEngineName, str] = {"ppocr": "PP-OCR", "tesseract": "Tesseract"}
TEXT_REASONS = {FILING_REASON: "归档时自动识别", DEFAULT_REASON: "用 archive reocr 重新识别"}
"""The reasons ingest itself writes (the filing's reading, a re-reading left without a
reason), in the reader's language; a person's reason is shown as they typed it."""


@dataclass(frozen=True)
class TextVersionLine:
    """One text version as the history lists it: ``made_by`` in staff's words, the OCR
    engine by its name (empty for a person or a text layer), the reason to translate
    (``says``) or as a person typed it (``typed``), and where to read it when it is an
    older one (None for the current text, which the page above shows)."""

    entry: TextVersionEntry
    made_by: str
    engine: str
    says: str
    typed: str
    url: str | None


def text_version_line(document_id: str, entry: TextVersionEntry) -> TextVersionLine:
    says = TEXT_REASONS.get(entry.reason, "")
    return TextVersionLine(
        entry=entry, made_by=TEXT_MADE_BY_NAMES[entry.made_by],
        engine=ENGINE_NAMES[entry.engine] if entry.engine else "",
        says=says, typed="" if says else entry.reason,
        url=None if entry.current else text_version_url(document_id, entry.version))


@dataclass(frozen=True)
class DocumentHistory:
    versions: list[VersionLine]
    """Newest first."""
    loans: list[LoanLine]
    audit: list[AuditLine]
    text_versions: list[TextVersionLine] | None = None
    """The page texts' versions, newest first, to a reader who may read the text; else
    None (the history does not speak of the text)."""
    text_versions_away: Away | None = None
    """What holds the texts' versions could not be reached (the store, or ingest): the
    history says they are unavailable for now."""


def document_history(versions: list[DocumentVersion], loans: list[Loan],
                     audit: list[AuditTrailEntry], *, document_id: str = "",
                     text_versions: list[TextVersionEntry] | None = None,
                     text_versions_away: Away | None = None) -> DocumentHistory:
    """``text_versions`` (oldest first, as ingest lists them) when the reader may read
    the document's text: D6, everyone who reads the text sees who changed it and why,
    whatever audit entries they may see."""
    return DocumentHistory(
        versions=[VersionLine(version, shown_reason(version),
                              [FIELD_NAMES.get(name, name) for name in version.changes])
                  for version in reversed(versions)],
        loans=[LoanLine(loan, loan_status_name(loan),
                        LOAN_KIND_NAMES.get(loan.kind, loan.kind)) for loan in loans],
        audit=[_audit_line(entry) for entry in audit],
        text_versions=None if text_versions is None else [
            text_version_line(document_id, entry) for entry in reversed(text_versions)],
        text_versions_away=text_versions_away)


@dataclass(frozen=True)
class OlderTextPage:
    number: int
    text: str
    blank: bool


@dataclass(frozen=True)
class OlderText:
    """An older text version of a document, read-only (``/ui/documents/{id}/text/versions/
    {n}``): its pages' texts, the line that says what made it, and the way back to the
    current text on the document page."""

    record: DocumentRecord
    version: TextVersionLine
    current_version: int
    pages: list[OlderTextPage]
    document_url: str


def older_text(record: DocumentRecord, text: ExtractedText, versions: list[TextVersionEntry],
               version: int) -> OlderText:
    """``versions`` as ingest lists them (oldest first); ``version`` one of them."""
    entry = next(entry for entry in versions if entry.version == version)
    return OlderText(
        record=record, version=text_version_line(record.document_id, entry),
        current_version=versions[-1].version,
        pages=[OlderTextPage(page.number, page.text, not page.text.strip())
               for page in text.pages],
        document_url=document_url(record.document_id))


def correction_after_change(record: DocumentRecord, versions: list[DocumentVersion],
                            typed: dict[str, str], *, limit: CorrectionLimit | None = None
                            ) -> RecordCorrection:
    """The 更正著录 form refused because the record changed after the version it showed
    (``typed["base_version"]``, ``stale_correction``): who changed it, when and which
    fields (``versions``, the record's history), and the form again with the record as it
    is now, the fields the person changed kept as typed, and what a correction may not
    change now (``limit``)."""
    shown = next((version for version in versions
                  if str(version.version) == typed.get("base_version")), None)
    since = ([version for version in versions if version.version > shown.version]
             if shown is not None else [])
    latest = versions[-1]
    fields = dict.fromkeys(FIELD_NAMES.get(name, name)
                           for version in since for name in version.changes)
    return RecordCorrection(
        correction_url(record.document_id),
        typed_over(record, shown.metadata if shown is not None else None, typed),
        "stale_correction",
        changed=ChangedMeanwhile(version=record.version, by=latest.changed_by,
                                 at=latest.changed_at, fields=list(fields)), limit=limit)


def _audit_line(entry: AuditTrailEntry) -> AuditLine:
    if entry.action == "text_revised" and entry.detail.get("engine") == "person":
        # A person's reading (校对), with the reason they gave, not another OCR run.
        return AuditLine(entry, "人工校对文字", str(entry.detail.get("reason") or ""))
    if entry.action == "fixity_finding":
        kind = str(entry.detail.get("kind") or "")
        return AuditLine(entry, ACTION_NAMES[entry.action],
                         finding=FINDING_NAMES.get(kind, kind))  # type: ignore[call-overload]
    proposer = str(entry.detail.get("requested_by") or "")
    if entry.action == "corrected" and proposer and proposer != entry.username:
        return AuditLine(entry, APPROVED_CORRECTION, proposer=proposer)
    if entry.action == "download" and entry.outcome == "refused" and entry.code in FINDING_NAMES:
        # Refused because the original is lost or altered, not for who asked.
        return AuditLine(entry, ACTION_NAMES[entry.action],
                         finding=FINDING_NAMES[entry.code])
    return AuditLine(entry, ACTION_NAMES.get(entry.action, entry.action))


def page_out_of_range(permissions: DocumentPermissions, q: str, asked: int | None
                      ) -> str | None:
    """The address of the nearest page when ``asked`` is none of the document's (an old
    bookmark, an address typed by hand): the last after the end, the first below 1, as
    the search page leads a page past its end to the last; else None."""
    pages = permissions.document.pages
    if asked is None or not permissions.read_text.allowed or not pages or 1 <= asked <= pages:
        return None
    return document_url(permissions.document.document_id, q=q, page=min(max(asked, 1), pages))


def chosen_page(text: ExtractedText | None, q: str, asked: int | None) -> int | None:
    """The page to show: the one asked for, else the first holding the search terms
    (``pages_holding``), else the first."""
    if text is None or not text.pages:
        return None
    numbers = [page.number for page in text.pages]
    if asked in numbers:
        return asked
    words = query_words(q)
    holding = pages_holding({page.number: found_in(page.text, words) for page in text.pages})
    return holding[0] if holding else numbers[0]


def pages_holding(found: dict[int, Found]) -> list[int]:
    """The pages holding the search terms, in order: those where the most of the words
    stand whole; only when none stands whole on any page, those holding their pieces. A
    phrase's pieces (车库 of 地下车库渗漏) stand on many pages of a long contract: the
    first of those was opened from the search hit, and 下一处 stopped at each of them,
    while the phrase stood on page 87."""
    best = max((page.whole for page in found.values()), default=0)
    return [number for number, page in found.items()
            if (page.whole == best if best else page.spans)]


def document_page(record: DocumentRecord, permissions: DocumentPermissions, *,
                  q: str, text: ExtractedText | None, number: int | None,
                  boxes: PageBoxes | None, has_preview: bool,
                  may_correct: bool = False, record_correction: RecordCorrection | None = None,
                  done: str = "", waits: str = "", holds: list[Hold] | None = None,
                  disposal: DisposalStanding | None = None, uploaded: bool = True,
                  may_upload: bool = False, away: Away | None = None) -> DocumentPage:
    """``may_correct``: the reader corrects text (校对), so the page shown links there;
    ``record_correction``: the form correcting the record, to one who may (``done`` and
    ``waits``: what their last correction did); ``uploaded``: ingest holds the original
    (else nothing is offered for download, and ``may_upload``, the reader uploads
    originals, is shown where); ``away``: ingest's store, or ingest, could not be reached (no
    text was read, and nothing is offered for download for now)."""
    words = query_words(q)
    base = document_url(record.document_id)
    shown: ShownPage | None = None
    links: list[PageLink] = []
    numbers: list[int] = []
    marked: list[int] = []
    previous_url = next_url = None

    def url_of(page_number: int) -> str:
        return f"{document_url(record.document_id, q=q, page=page_number)}#{READING}"

    if text is not None and number is not None:
        found = {page.number: found_in(page.text, words) for page in text.pages}
        numbers = [page.number for page in text.pages]
        marked = pages_holding(found)
        linked = linked_pages(numbers, number)
        links = [PageLink(page_number, url_of(page_number), page_number == number,
                          page_number in marked,
                          after_gap=index > 0 and numbers.index(page_number)
                          > numbers.index(linked[index - 1]) + 1)
                 for index, page_number in enumerate(linked)]
        current = next(page for page in text.pages if page.number == number)
        spans = found[number].spans
        shown = ShownPage(
            number=number, runs=runs(current.text, spans), marks=len(spans),
            image_url=page_image_url(record.document_id, number) if has_preview else None,
            large_image_url=(page_image_url(record.document_id, number, size="large")
                             if has_preview else None),
            width=boxes.width if boxes else 0, height=boxes.height if boxes else 0,
            boxes=marked_boxes(boxes.boxes, spans) if boxes else [],
            blank=not current.text.strip())
        index = numbers.index(number)
        previous_url = url_of(numbers[index - 1]) if index > 0 else None
        next_url = url_of(numbers[index + 1]) if index < len(numbers) - 1 else None
    marked_before = [page_number for page_number in marked if number and page_number < number]
    marked_after = [page_number for page_number in marked if number and page_number > number]
    return DocumentPage(
        record=record, category_name=CATEGORY_NAMES[record.category],
        retention_name=RETENTION_CLASS_NAMES[record.retention_class],
        security_name=SECURITY_LEVEL_NAMES[record.security],
        household_url=household_url(record.household) if record.household else None,
        q=q, permissions=permissions,
        download_url=f"{base}/original"
        if permissions.download.allowed and uploaded and away is None else None,
        may_borrow=permissions.download.code == "needs_grant" and in_file(record),
        page=shown, pages=links, previous_url=previous_url, next_url=next_url,
        history_url=f"{base}/history", page_count=len(numbers), turn_url=f"{base}#{READING}",
        previous_marked_url=url_of(marked_before[-1]) if marked_before else None,
        next_marked_url=url_of(marked_after[0]) if marked_after else None,
        correct_url=address(REVIEW_PATH, {"document": record.document_id, "page": shown.number})
        if may_correct and shown is not None else None,
        record_correction=record_correction, done=done, waits=waits, holds=holds or [],
        disposal=disposal,
        sweep_url=sweep_url(disposal.sweep_id, at=record.document_id) if disposal else None,
        destruction_url=destruction_url(disposal.destruction_id)
        if disposal and disposal.destruction_id else None,
        destruction_status_name=DESTRUCTION_STATUS_NAMES[disposal.destruction_status]
        if disposal and disposal.destruction_status else "",
        decision_name=DECISION_NAMES.get(disposal.outcome, "") if disposal else "",
        not_uploaded=not uploaded, upload_url=INGEST_PATH if may_upload and not uploaded
        else None, away=away)

