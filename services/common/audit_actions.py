"""The audit log's actions by the names staff use: one table for the audit log page, a
document's history, the catalogue check and ``archive audit list``."""

from __future__ import annotations

ACTION_NAMES = {
    "filed": "归档", "list": "检索", "read": "查看目录", "read_text": "阅读内容",
    "download": "下载原件", "correction_requested": "申请更正",
    "corrected": "更正", "correction_rejected": "驳回更正",
    "correction_withdrawn": "撤回更正", "text_revised": "重新识别文字",
    "original_attached": "补传原件（先登记后扫描）",
    "fixity_finding": "四性检测发现问题",
    "loan_requested": "提出借阅申请", "loan_approved": "批准借阅", "loan_rejected": "驳回借阅",
    "loan_issued": "借出", "loan_acknowledged": "确认收到", "loan_renewed": "续借",
    "loan_copy_recorded": "登记复制", "loan_returned": "归还", "loan_past_due": "超期提醒",
    "loan_escalated": "超期上报",
    "loan_incident_resolved": "借阅事故已处理", "loan_withdrawn": "撤回借阅申请",
    "hold_placed": "设置法律保全", "hold_released": "解除法律保全", "appraised": "鉴定",
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
