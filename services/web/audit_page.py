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

from services.common.auth import Principal
from services.common.clock import day_start
from services.common.contracts.registry import REDACTED_DETAIL, AuditDetail, AuditRecord
from services.common.models import MAX_USERNAME
from services.common.operations import AUDIT_READERS
from services.common.text import fold
from services.common.web import PAGES_PREFIX
from services.web.limits import LIMITS
from services.web.links import address, document_url

AUDIT_PAGE = 100
"""Entries a page shows."""

ACTION_NAMES = {
    "filed": "归档", "list": "检索", "read": "查看目录", "read_text": "阅读内容",
    "download": "下载原件", "correction_requested": "申请更正",
    "corrected": "更正", "correction_rejected": "驳回更正",
    "correction_withdrawn": "撤回更正", "text_revised": "重新识别文字",
    "fixity_finding": "四性检测发现问题",
    "loan_requested": "提出借阅申请", "loan_approved": "批准借阅", "loan_rejected": "驳回借阅",
    "loan_issued": "借出", "loan_acknowledged": "确认收到", "loan_renewed": "续借",
    "loan_copy_recorded": "登记复制", "loan_returned": "归还", "loan_past_due": "超期提醒",
    "loan_escalated": "超期上报",
    "loan_incident_resolved": "借阅事故已处理", "loan_withdrawn": "撤回借阅申请",
    "hold_placed": "冻结（法律保全）", "hold_released": "解除冻结", "appraised": "鉴定",
    "kept_after_appraisal": "鉴定后继续保存", "approved_for_destruction": "批准销毁",
    "sweep_item_no_longer_due": "不再到期，移出清理清单",
    "destruction_withheld": "暂缓销毁", "destroyed": "销毁", "transferred": "移出",
    "attached_to_part": "归入住户部分", "retention_restarted": "退租后重新起算保管期限",
    "placed_after_upgrade": "升级后按归档日期归位",
}
"""O4: the audit actions about a document by the names staff use (a refusal carries the
action asked for, under its success's name: ``read_text``, ``correction_requested``);
an action not named here shows as coded. Pages translate them in the message context
"audit trail": an entry tells what happened ("lent out"), while a button with the same
Chinese word asks for it ("Lend out")."""

OTHER_ACTION_NAMES = {
    "login": "登录", "logout": "退出登录", "user_created": "新建账户",
    "user_changed": "修改账户", "user_deactivated": "停用账户", "user_reactivated": "恢复账户",
    "password_reset": "重设密码", "password_changed": "修改本人密码",
    "household_created": "建立户档", "occupant_changed": "住户变更", "moved_out": "退租",
    "occupancy_corrected": "更正住户记录", "schedule_changed": "修改保管期限表",
    "sweep_started": "开始到期清理", "sweep_approved": "批准清理清单",
    "sweep_rejected": "驳回清理清单", "destruction_registered": "编制销毁清册",
    "destruction_witnessed": "监销签字", "destruction_started": "开始销毁",
    "destruction_executed": "销毁执行完毕", "destruction_cancelled": "撤销销毁清册",
    "handover_created": "编制移交清单", "handover_signed": "移交签字",
    "handover_completed": "移交完成", "handover_cancelled": "撤销移交清单",
    "inventory_started": "开始盘点", "inventory_item_checked": "盘点核对",
    "inventory_completed": "盘点完成", "discrepancy_resolved": "处理盘点差异",
    "condition_checked": "保管状况检查", "catalogue_printed": "打印目录",
    "fixity_check": "四性检测", "refusals_not_itemised": "多次被拒，未逐条记录",
}
"""The audit log's other actions (accounts, households, retention, handovers, inventories,
printouts, checks), by the names staff use, which the audit log page lists too."""

ALL_ACTION_NAMES = ACTION_NAMES | OTHER_ACTION_NAMES
"""Every action the audit log page offers to filter by, in the order of its list."""

DETAIL_NAMES = {
    "reason": "原因", "archive_no": "档号", "household": "户号", "document_id": "文件编号",
    "documents": "文件", "version": "版本", "note": "备注", "witnesses": "监销人",
    "approved_by": "批准人", "category": "类别", "fields": "更正的字段", "state": "状态",
    "title": "标题", "clearance_needed": "所需密级", "loan_id": "借阅编号", "kind": "方式",
    "occupant": "住户", "disposal_due": "到期日", "retention_class": "保管期限",
    "user": "用户", "role": "角色", "items": "条目", "position": "位置",
}
"""What else an entry recorded, by the names staff use (translated in the message context
"audit detail"); a name not here shows as coded."""

PROBLEMS = frozenset({"not_a_day", "days_reversed", "unknown_action", "unknown_document"})
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


def username_of(typed: str, people: Mapping[str, str]) -> str:
    """The username ``typed`` names: a username in any case, or a person's full name
    (``people``: full names by username) as the pages show it, 王芳 for ``wang``."""
    folded = fold(typed)
    named = [username for username, name in people.items() if fold(name) == folded]
    return named[0] if len(named) == 1 else typed.lower()


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
    detail: list[tuple[str, str]]
    """What else was recorded: (name, as staff say it or as coded; value)."""


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
                     detail=_detail(entry.detail)) for entry in shown]
    return AuditView(filters=filters, rows=rows,
                     older_url=filters.url(before=shown[-1].seq) if older else None,
                     newest_url=filters.url() if filters.before else None,
                     actions=list(ALL_ACTION_NAMES.items()))


def _detail(detail: dict[str, AuditDetail]) -> list[tuple[str, str]]:
    """What else was recorded, each name as staff say it (``DETAIL_NAMES``), each list's
    values apart by commas."""
    if detail == REDACTED_DETAIL:
        return []
    return [(DETAIL_NAMES.get(name, name),
             ", ".join(map(str, value)) if isinstance(value, list) else str(value))
            for name, value in detail.items() if value is not None]
