"""The audit log page (审计日志, ``/ui/audit?user=&action=&document=&from=&to=&before=``):
who did what, when, to which document (O4), for the compliance officer and the
administrator (``AUDIT_READERS``), newest first, ``AUDIT_PAGE`` entries a page, each older
page from where the last ended (``before``: the oldest entry shown). Filters by user, action,
document (its archive number, one it had before a correction, or its id) and days on the
company's clocks (``ARCHIVE_TIME_ZONE``), as ``archive audit list`` does. Every entry is
the registry's, as it lets the reader see it: one about a document above their clearance
names no document and shows no detail (counted, not named)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from services.common.audit_actions import ALL_ACTION_NAMES
from services.common.auth import Principal
from services.common.clock import day_start
from services.common.contracts.inventory import BOX_STATE_NAMES
from services.common.contracts.operations import SIDE_NAMES
from services.common.contracts.registry import (
    FINDING_NAMES,
    REDACTED_DETAIL,
    AuditDetail,
    AuditRecord,
)
from services.common.models import (
    DEPARTMENT_NAMES,
    MAX_USERNAME,
    ROLE_NAMES,
)
from services.common.operations import AUDIT_READERS
from services.common.refusal_words import NAMED_REFUSALS, refusal_areas
from services.common.text import fold
from services.common.web import PAGES_PREFIX
from services.web.corrections_page import YES_NO
from services.web.document_page import (
    ENGINE_NAMES,
    FIELD_NAMES,
    FINDING_NEXT_STEPS,
    LOAN_KIND_NAMES,
    LOAN_STATUS_NAMES,
)
from services.web.limits import LIMITS
from services.web.links import address, document_url
from services.web.names import CATEGORY_BY_CODE, CLASS_BY_CODE, LEVEL_BY_CODE, by_code
from services.web.retention_page import DECISION_NAMES, ITEM_STATE_NAMES

AUDIT_PAGE = 100
"""Entries a page shows."""

DETAIL_NAMES = {
    # what an entry is about
    "archive_no": "档号", "former_archive_no": "原档号", "household": "户号",
    "document_id": "文件编号", "documents": "文件",
    "title": "标题", "category": "类别", "version": "版本", "text_version": "文字版本",
    "user": "用户", "address": "登录地址", "catalogue": "目录", "building": "楼栋",
    "room": "房间", "cabinet": "柜", "box": "盒", "floor": "楼层", "service_centre": "服务中心",
    "sha256": "SHA-256 摘要",
    "digest": "签字摘要", "engine": "识别引擎", "view_only": "只读",
    # accounts
    "roles": "角色", "clearance": "密级", "department": "部门", "full_name": "姓名",
    "password_set": "已设密码", "changed": "修改的项", "previous_roles": "原角色",
    "previous_clearance": "原密级", "previous_department": "原部门",
    "previous_full_name": "原姓名",
    # loans
    "loan_id": "借阅编号", "kind": "类型", "borrower": "借阅人", "status": "状态",
    "was": "原状态", "role": "角色", "step": "审批步骤", "approvals_needed": "需要的审批",
    "due_at": "应还时间", "renewals": "续借次数", "copy_id": "复制编号",
    "copied_document": "复制的文件", "intact": "完好", "incident_id": "事故编号",
    "resolution": "处理结果", "notified": "已通知",
    # corrections and occupants
    "correction_id": "更正编号", "fields": "更正的字段",
    "corrected_since": "上传后更正的字段", "requested_by": "申请人",
    "approved_by": "批准人", "approvers": "审批人", "occupant": "住户",
    "previous_occupant": "原住户", "occupancy_id": "住户记录编号",
    "previous_occupancy_id": "原住户记录编号", "moved_in": "迁入日期",
    "moved_out": "退租日期", "retention_start": "保管起算日",
    "documents_attached": "归入的文件数", "documents_recomputed": "重算期限的文件数",
    # retention, holds, destruction, transfers
    "sweep_id": "清理编号", "as_of": "截至", "items": "条目", "item": "条目",
    "decision": "鉴定意见", "opinion": "意见说明", "outcome": "鉴定结果",
    "keep_until": "保存至", "keep_class": "改定的保管期限", "destroy": "予以销毁的条目",
    "kept": "继续保存的条目", "destroy_after": "最早销毁日期", "disposal_due": "到期日",
    "new_disposal_due": "新的到期日", "retention_class": "保管期限", "state": "状态",
    "hold_id": "保全编号", "destruction_id": "销毁清册编号", "witnesses": "监销人",
    "destroyed": "已销毁的条目", "withheld": "暂缓的条目", "transfer_id": "移出编号",
    "recipient": "接收单位",
    # handovers and inventories
    "handover_id": "移交清单编号", "handed_over_by": "移交人", "received_by": "接收人",
    "side": "签字方", "signed": "已签字", "relocated": "改放位置的文件",
    "inventory_id": "盘点编号", "boxes": "盒数", "check_id": "检查编号",
    "problems": "问题", "discrepancies": "差异", "unplaced": "未归位",
    # checks and refusals
    "run_id": "检测编号", "trigger": "发起方式", "documents_checked": "检测的文件数",
    "bytes_hashed": "核验的字节数", "findings": "发现的问题", "kinds": "问题类型",
    "series": "档号系列", "missing_archive_nos": "缺少的档号", "more_missing": "另缺（未列出）",
    "counter": "档号计数器", "highest": "已用的最大顺序号",
    "recorded_bytes": "目录记录的大小（字节）", "stored_bytes": "存储中的大小（字节）",
    "stored_sha256": "存储中内容的 SHA-256", "pages": "页数", "pages_with_text": "有文字的页数",
    "previews_missing": "缺少的预览文件数", "locked_until": "原有锁定至",
    "lock_needed_until": "应锁定至", "relocked_until": "本次检测锁定至",
    "next_step": "处理办法", "detail": "说明", "reason": "原因", "note": "备注", "count": "次数",
    "minute": "时间", "actions": "操作", "clearance_needed": "所需密级",
    "documents_above": "超出其密级权限的文件数",
    "position": "位置", "files": "文件数", "year": "年份", "labels": "标签数",
}
"""What else an entry recorded, by the names staff use (translated in the message context
"audit detail"), in the order the page lists them; a name not here shows as coded."""

_DETAIL_ORDER = {name: position for position, name in enumerate(DETAIL_NAMES)}

PEOPLE = frozenset({"user", "borrower", "requested_by", "approved_by", "witnesses",
                    "handed_over_by", "received_by", "notified"})
"""Details that name people by username: shown as the pages name people, 王芳（wang）."""

TIMES = frozenset({"due_at", "minute", "locked_until", "relocked_until"})
"""Details that are instants: shown on the company's clocks."""

DAYS = frozenset({"as_of", "keep_until", "destroy_after", "disposal_due",
                  "new_disposal_due", "moved_in", "moved_out", "retention_start",
                  "lock_needed_until"})
"""Details that are days."""

COUNTED_FROM_ZERO = frozenset({"step"})
"""Details counted from 0 in the registry, shown from 1 (the first approval step is 1)."""


TRIGGER_NAMES = {"manual": "手动发起", "scheduled": "按计划自动", "download": "下载原件时发现"}
"""How a fixity check was started (``FixityTrigger``, or a download that found the
original damaged)."""

PRINTOUT_NAMES = {
    "general": "总目录（PDF）", "general_csv": "总目录（CSV）", "floor": "案卷目录（PDF）",
    "floor_csv": "案卷目录（CSV）", "items": "卷内目录（PDF）", "items_csv": "卷内目录（CSV）",
    "closed": "闭卷目录", "labels_folders": "卷夹标签（PDF）", "labels_boxes": "档案盒标签（PDF）",
}
"""What a ``catalogue_printed`` entry printed, as the catalogues page offers it."""

WORDED_VALUES: dict[str, dict[str, str]] = {
    "roles": ROLE_NAMES, "previous_roles": ROLE_NAMES, "role": ROLE_NAMES,
    "approvals_needed": ROLE_NAMES, "approvers": ROLE_NAMES,  # a correction's: roles (D11)
    "clearance": LEVEL_BY_CODE, "previous_clearance": LEVEL_BY_CODE,
    "clearance_needed": LEVEL_BY_CODE,
    "department": DEPARTMENT_NAMES, "previous_department": DEPARTMENT_NAMES,
    "category": CATEGORY_BY_CODE, "retention_class": CLASS_BY_CODE, "keep_class": CLASS_BY_CODE,
    "kind": by_code(LOAN_KIND_NAMES, FINDING_NAMES), "kinds": by_code(FINDING_NAMES),
    "status": LOAN_STATUS_NAMES, "was": LOAN_STATUS_NAMES,
    "decision": DECISION_NAMES, "outcome": DECISION_NAMES,
    "state": by_code(ITEM_STATE_NAMES, BOX_STATE_NAMES), "side": by_code(SIDE_NAMES),
    "signed": by_code(SIDE_NAMES), "trigger": TRIGGER_NAMES,
    "engine": by_code(ENGINE_NAMES, {"person": "人工校对"}),  # a person's reading (校对)
    "fields": FIELD_NAMES, "corrected_since": FIELD_NAMES, "changed": DETAIL_NAMES,
    "catalogue": PRINTOUT_NAMES,
}
"""Details whose values are codes, by the names the pages give them (translated)."""

DetailPart = tuple[Literal["words", "action", "person", "moment", "day", "refusal",
                           "as_is"], object]
"""One value of a detail and how the page shows it: words to translate, an action's name
(translated as the audit trail tells it), a person, an instant, a day, why an attempt was
refused (a ``RefusalReason``), or as recorded (numbers, ids, what someone typed)."""

@dataclass(frozen=True)
class RefusalReason:
    """Why an attempt was refused: its ``code``, said in words by ``named`` or else by the
    first of ``areas`` (macro names) that has words for it, else by ``sentence``, the
    English sentence the service's error carried (kept beside the words for the record;
    "" when none was recorded: the code is shown)."""

    code: str
    areas: tuple[str, ...]
    sentence: str
    named: str | None = None
    above: int = 0
    """How many documents were above the person's clearance (``documents_above``)."""
    needed: str = ""
    """The clearance the refused step needs, by its Chinese name (``clearance_needed``)."""


def refusal_reason(entry: AuditRecord) -> RefusalReason | None:
    """How the page says a refused entry's reason: from the table of its action
    (``NAMED_REFUSALS``), else by the macros of the areas ``refusal_areas`` names, in its
    order (the audit log's own words, its action's area's, then any other area's); None
    for an allowed entry, or one without a code."""
    if entry.outcome != "refused" or not entry.code:
        return None
    sentence, above, needed = (entry.detail.get(name) for name in (
        "reason", "documents_above", "clearance_needed"))
    return RefusalReason(code=entry.code,
                         sentence=sentence if isinstance(sentence, str) else "",
                         areas=refusal_areas(entry.action),
                         named=NAMED_REFUSALS.get(entry.action, {}).get(entry.code),
                         above=above if isinstance(above, int) else 0,
                         needed=LEVEL_BY_CODE.get(str(needed), ""))


PROBLEMS = frozenset({"not_a_day", "days_reversed", "unknown_action", "unknown_document",
                      "shared_name"})
"""What the page says is wrong with what was asked (the template words each)."""


@dataclass(frozen=True)
class AuditFilters:
    """What the address asks for: every field as typed (trimmed), days parsed."""

    user: str = ""
    action: str = ""
    refused: bool = False
    """Only the refused attempts."""
    document: str = ""
    first_day: date | None = None
    last_day: date | None = None
    before: int | None = None
    """The oldest entry the page before showed: this page shows those before it."""

    @property
    def narrowed(self) -> bool:
        """Whether any filter is set (paging is not one)."""
        return bool(self.user or self.action or self.refused or self.document
                    or self.first_day or self.last_day)

    def url(self, *, before: int | None = None) -> str:
        return address(f"{PAGES_PREFIX}/audit", {name: value for name, value in (
            ("user", self.user), ("action", self.action),
            ("outcome", "refused" if self.refused else ""), ("document", self.document),
            ("from", self.first_day.isoformat() if self.first_day else ""),
            ("to", self.last_day.isoformat() if self.last_day else ""),
            ("before", before or "")) if value})

    def since(self, zone: tzinfo) -> datetime | None:
        """The start of the first day on the company's clocks."""
        return None if self.first_day is None else day_start(self.first_day, zone)

    def until(self, zone: tzinfo) -> datetime | None:
        """The start of the day after the last (the last day is included)."""
        return None if self.last_day is None else day_start(
            self.last_day + timedelta(days=1), zone)


def may_read(principal: Principal) -> bool:
    """Whether the audit log page exists for ``principal`` (else: the not-found page)."""
    return principal.has_role(*AUDIT_READERS)


def audit_filters(*, user: str, action: str, document: str, first_day: str, last_day: str,
                  before: str, outcome: str = "") -> tuple[AuditFilters, str]:
    """The filters the address asks for, and what is wrong with them (a ``PROBLEMS`` code,
    or ``""``): a day that is not one, the first after the last, an action not in the
    list. What was typed is kept to show again; a ``before`` that is not an entry's number
    (numbers stay below 2**62) is the newest page."""
    asked = AuditFilters(user=user.strip()[:MAX_USERNAME], action=action.strip()[:40],
                         refused=outcome == "refused",
                         document=document.strip()[:LIMITS.document],
                         before=int(before) if before.isdigit() and 0 < int(before) < 2**62
                         else None)
    try:
        asked = replace(asked, first_day=_day(first_day), last_day=_day(last_day))
    except ValueError:
        return asked, "not_a_day"
    if asked.first_day and asked.last_day and asked.first_day > asked.last_day:
        return asked, "days_reversed"
    if asked.action and asked.action not in ALL_ACTION_NAMES:
        return replace(asked, action=""), "unknown_action"
    return asked, ""


def usernames_of(typed: str, people: Mapping[str, str]) -> list[str]:
    """The usernames ``typed`` may name: a person's full name as the pages show it (王芳 for
    ``wang``; two people may share one, so each of them), else a username in any case."""
    folded = fold(typed)
    named = sorted(username for username, name in people.items() if fold(name) == folded)
    return named or [typed.lower()]


def namesakes(filters: AuditFilters, people: Mapping[str, str]) -> list[tuple[str, str]]:
    """Where the person asked for is a full name two people or more share: each of them
    (username, this page narrowed to them) to choose from; else nothing."""
    named = usernames_of(filters.user, people) if filters.user else []
    return [(username, replace(filters, user=username).url()) for username in named
            ] if len(named) > 1 else []


def _day(typed: str) -> date | None:
    return date.fromisoformat(typed.strip()) if typed.strip() else None


@dataclass(frozen=True)
class AuditRow:
    entry: AuditRecord
    action: str
    """The action by the name staff use (Chinese; translated in the context "audit
    trail"), or as coded when it has none."""
    document_url: str | None
    redacted: bool
    """About a document (or a household) above the reader's clearance: named by nothing."""
    detail: list[tuple[str, list[DetailPart]]]
    """What else was recorded: (name, as staff say it or as coded; its values)."""


@dataclass(frozen=True)
class AuditView:
    filters: AuditFilters
    rows: list[AuditRow]
    older_url: str | None
    """The next page (older entries), when this one is full."""
    newest_url: str | None
    """Back to the newest entries, when this page is an older one."""
    actions: list[tuple[str, str]]
    """The actions to choose from: (code, name)."""


def audit_view(filters: AuditFilters, entries: list[AuditRecord]) -> AuditView:
    """The page for ``entries`` as the registry answered ``filters``: asked for one more
    than a page holds, so that one past the page says older entries follow."""
    shown = entries[:AUDIT_PAGE]
    older = len(entries) > AUDIT_PAGE
    rows = [AuditRow(entry=entry,
                     action=ALL_ACTION_NAMES.get(entry.action, entry.action),
                     document_url=document_url(entry.document_id) if entry.document_id
                     else None,
                     redacted=entry.detail == REDACTED_DETAIL,
                     detail=_detail(entry.detail, refusal_reason(entry)) + _next_step(entry))
            for entry in shown]
    return AuditView(filters=filters, rows=rows,
                     older_url=filters.url(before=shown[-1].seq) if older else None,
                     newest_url=filters.url() if filters.before else None,
                     actions=list(ALL_ACTION_NAMES.items()))


def _detail(detail: dict[str, AuditDetail], refused: RefusalReason | None = None
            ) -> list[tuple[str, list[DetailPart]]]:
    """What else was recorded, each name and value as staff say them (``DETAIL_NAMES``,
    ``WORDED_VALUES``), people by name, times on the company's clocks, a refusal's reason
    in words (``refused``); in the order of ``DETAIL_NAMES`` (what it is about first),
    names it lacks last."""
    if detail == REDACTED_DETAIL:
        return []
    said = detail if refused is None or "reason" in detail else {**detail, "reason": ""}
    recorded = sorted(((name, value) for name, value in said.items()
                       if value is not None and value != []),
                      key=lambda item: _DETAIL_ORDER.get(item[0], len(_DETAIL_ORDER)))
    return [(DETAIL_NAMES.get(name, name),
             [("refusal", refused)] if refused is not None and name == "reason" else
             [_part(name, each) for each in (value if isinstance(value, list) else [value])])
            for name, value in recorded]


def _next_step(entry: AuditRecord) -> list[tuple[str, list[DetailPart]]]:
    """What to do about a fixity finding (``FINDING_NEXT_STEPS``), said last."""
    step = (FINDING_NEXT_STEPS.get(entry.detail.get("kind"))  # type: ignore[call-overload]
            if entry.action == "fixity_finding" else None)
    return [(DETAIL_NAMES["next_step"], [("words", step)])] if step else []


def _part(name: str, value: str | int | float | bool) -> DetailPart:
    if isinstance(value, bool):
        return "words", YES_NO[value]
    if isinstance(value, int) and name in COUNTED_FROM_ZERO:
        return "as_is", value + 1
    if not isinstance(value, str):
        return "as_is", value
    if name in PEOPLE:
        return "person", value
    if name == "actions":
        return "action", ALL_ACTION_NAMES.get(value, value)
    if (words := WORDED_VALUES.get(name, {}).get(value)) is not None:
        return "words", words
    try:
        if name in TIMES:
            return "moment", datetime.fromisoformat(value)
        if name in DAYS:
            return "day", date.fromisoformat(value[:10])
    except ValueError:
        pass
    return "as_is", value
