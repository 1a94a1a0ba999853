"""Why a request was refused, in the words staff read: each area of the staff pages says a
refusal's ``code`` (the registry's decision code, or a form's) in Chinese, with what to do
next; the pages translate the words through their catalogue (English in
``services/web/locale``). One table for the pages' refusal macros (``templates/macros.html``,
which add what only a page knows: how many documents, the clearance they need, the people
and days), the audit log page and ``archive audit list`` (``reason_words``)."""

from __future__ import annotations

from collections.abc import Mapping

from services.common.contracts.registry import FINDING_NAMES
from services.common.contracts.retention import STOP_NAMES

REFUSED = "档案系统没有接受这项操作。请检查后再试，或联系档案管理员。"
"""What an area says of a code it has no words for."""

# A document's page: why a read or a download is not offered (``refusal``).
_DOCUMENT = {
    "needs_grant": "阅读这份文件需要借阅批准（机密文件或含业主个人信息）。",
    "view_only": "您的借阅只允许在系统内查看，不能下载或导出。",
    "destroyed": "这份文件已经销毁，内容不再保存。",
    "role_required": "您的角色不能进行这项操作。",
    "above_clearance": "这份文件的密级高于您的权限。",
}

# What every area says alike (``common_refusal``).
_COMMON = {
    "role_required": "您的角色不能进行这项操作。",
    "too_long": "有一项填写得太长，请缩短后再提交。",
    "no_documents": "请至少选择一份文件。",
    "invalid_household": "户号的格式应当像 A-1201。",
}

# A loan's request or step (``loan_refusal``).
_LOAN = {
    "renewals_exhausted": (
        "这笔借阅已经续借到最多次数，不能再续借。请按期归还，如仍需要，请重新申请借阅。"),
    "already_requested": "同样的借阅申请您已经提交过，就是本页这一笔，正在办理中；没有再提交一次。",
    "already_renewed": (
        "这笔借阅刚才已经续借过了（表单提交了两次，或另一人同时办理了续借），没有再续借一次。新"
        "的应还日期见下方。"),
    "loan_expired": "这笔借阅已经过期，不能续借。请尽快归还，如仍需要，请重新申请借阅。",
    "own_loan": "您不能审批或办理自己的借阅。请由另一位有权限的同事处理。",
    "role_required": "这一步不由您的角色办理。请等待负责这一步的人处理。",
    "wrong_department": "这一步由借阅人所在部门的负责人审批，不是您的部门。",
    "already_approved": (
        "您已经批准过这笔借阅（同一表单提交两次也只记一次）；每一步需要另一个人审批。本页是它现"
        "在的状态。"),
    "invalid_transition": "这笔借阅的状态已经变化，这项操作不再适用。请查看它现在的状态。",
    "not_borrower": "只有借阅人（或档案管理员）可以进行这项操作。",
    "not_applicant": "只有借阅人（或替他登记申请的档案管理员）可以撤回申请。",
    "borrower_inactive": "借阅人已经离职，不能再借出。",
    "already_on_loan": "其中有纸质文件已经借出。请等它们归还后再申请，或改为电子查阅。",
    "not_lendable": "公司文书档案不能借出纸质原件。请改为电子查阅，或到档案室查阅。",
    "document_destroyed": "其中有文件已经销毁，不能借阅。",
    "already_transferred": (
        "其中有文件已经移出档案室（纸质原件已交给接收单位），不再借阅。普通文件的电子原件仍保存"
        "在档案系统中，可以从这一户页面“已移出”列表打开文件直接查看；机密或含业主个人信息的文件"
        "不能再借阅查看。请不选这些文件后再提交。"),
    "no_approver": (
        "这笔借阅没有人能审批：它需要的某一步（例如部门负责人）除借阅人本人以外没有人担任，或担"
        "任的人没有这些文件所需的密级权限。请联系系统管理员指定审批人（或提高其密级权限）后再申"
        "请。"),
    "above_clearance": (
        "这笔借阅含有您无权查看的档案，须由具有相应密级权限的人审批或办理。请转交给具有该密级权"
        "限的同事。"),
    "no_department": (
        "您的账号没有登记部门，无法确定由哪位部门负责人审批。请联系系统管理员设置部门。"),
    "reason_required": "驳回时请写明理由，借阅人会看到它。",
    "resolution_required": "关闭事故时请写明处理结果（如：已修复、已赔偿）。",
    "incident_resolved": "这起事故已经处理并关闭。处理记录在该借阅的页面上。",
    "intact_required": "归还时请选择文件是否完好。",
    "damage_note_required": (
        "有损坏或遗失时，请在备注中写明情况（哪一页、什么损坏、缺了什么），事故将按它处理。"),
    "kind_required": "请选择借阅方式：纸质借出或电子查阅。",
    "purpose_required": "请填写借阅目的和理由。",
    "external_incomplete": "外部查阅人的姓名、单位、证件和介绍信需要全部填写（或全部留空）。",
}

# A sweep, appraisal, register, witness or hold (``retention_refusal``).
_RETENTION = {
    "on_hold": (
        "其中有文件处于法律保全中，不能销毁。请不选这些文件，或在“法律保全”页面解除保全后再试。"),
    "on_loan": "其中有文件正在借出，归还后才能销毁。请不选这些文件，或等它们归还。",
    "witnesses_missing": (
        "还需要两位不同的监销人签字才能执行销毁。请监销人用自己的账号打开本页签字。"),
    "not_yet_due": "这些文件还在批准后的隔离等待期内，不能销毁。请从本页所示的可销毁日期起再办理。",
    "no_longer_due": (
        "其中有文件已不再到期（到期日已推后，例如退租后重新起算），不再列入本次销毁。请刷新本页"
        "，再编制不含这些文件的清册。"),
    "own_register": "您编制了这份清册，不能作为它的监销人。请由另外两位同事签字。",
    "witness_executes": "您是这份清册的监销人，不能由您执行销毁。请由另一位合规专员执行。",
    "already_signed": "您已经在这份清册上签过字了。",
    "register_changed": "清册的条目在签字后发生了变化，签字已失效。请重新核对清册后再签字。",
    "signatures_void": "清册的条目在签字后发生了变化，签字已失效。请重新核对清册后再签字。",
    "appraisal_incomplete": "还有条目没有鉴定完成（见各条目的“还需要”）。全部决定后才能批准。",
    "invalid_transition": "状态已经变化，这项操作不再适用。请查看它现在的状态。",
    "sweep_not_approved": (
        "这份清单还没有经总经理批准（或已退回），不能编制销毁清册。请等总经理批准清单后再办理。"),
    "not_awaiting_destruction": (
        "所选的文件中有的已不在等待销毁：可能已列入另一份销毁清册、已经销毁或不再到期。请刷新本"
        "页，只选列出的文件后再编制。"),
    "nothing_to_destroy": (
        "这份清单已没有可以编制清册的条目：批准销毁的文件都已列入销毁清册、已经销毁或不再到期。"
        "请到各条目所列的销毁清册办理。"),
    "nothing_due": (
        "今天没有到期的文件（永久保存、法律保全中、借出中或已在清单中的文件不列入），没有开始清"
        "理。"),
    "sweep_race": "另一份清单同时选走了其中的文件。请重新开始清理。",
    "decision_required": "请选择鉴定决定：销毁、继续保存或下年重新鉴定。",
    "opinion_required": "请写下鉴定意见。",
    "reason_required": "请写明保全的理由。",
    "release_reason_required": "解除保全时请写明理由。",
    "above_clearance": (
        "这项保全含有您无权查看的档案，须由具有相应密级权限的合规专员解除。请转交给具有该密级权"
        "限的同事。"),
    "hold_scope": "请填写档号，或者填写户号和/或类别（二者选一）。",
    "document_destroyed": (
        "下列文件已经销毁，证据已不存在，这项保全没有设置（其他文件也没有保全）。请从档号中删去"
        "它们后重新设置保全；销毁的经过见各自的销毁清册。"),
    "unknown_document": "有的档号不存在（或您无权查看），请检查后再试。",
    "years_required": "保管期限表不完整，或年数不在 1 到 200 之间。请检查后再保存。",
    "incomplete_schedule": "保管期限表不完整，或年数不在 1 到 200 之间。请检查后再保存。",
    "date_out_of_range": "保管期限表不完整，或年数不在 1 到 200 之间。请检查后再保存。",
    "validation_failed": "保管期限表不完整，或年数不在 1 到 200 之间。请检查后再保存。",
}

# A register's execution, said on its page (``register_refusal``).
_REGISTER = {
    "on_hold": (
        "清册中有文件处于法律保全中（下面的条目中已标出），不能销毁。请在“法律保全”页面解除保全"
        "后再执行；或者撤回这份清册，再到清理清单页面编制一份不含这些文件的清册。"),
    "on_loan": (
        "清册中有文件正在借出（下面的条目中已标出），归还后才能销毁。请等它们归还后再执行；或者"
        "撤回这份清册，再到清理清单页面编制一份不含这些文件的清册。"),
    "not_yet_due": (
        "清册中的文件还在批准后的隔离等待期内，不能销毁。请从本页所示的可销毁日期起再执行。"),
    "no_longer_due": (
        "清册中有文件已不再到期（下面的条目中已标出），不能销毁。请撤回这份清册，再到清理清单页"
        "面编制一份不含它们的清册。"),
}

# An account's change (``account_refusal``).
_ACCOUNT = {
    "open_loans": (
        "还有借阅没有归还，不能办理离职停用（B9）。请先让他归还下列借阅，由档案管理员在“借阅 → "
        "归还”办理注销后再停用。"),
    "unsigned_handovers": (
        "还有移交在等他签字，现在停用或更改，这些移交就再也签不完（O1）。请先让他签字，或请档案"
        "管理员取消这些移交（写明原因）后重新编制。"),
    "last_approver": (
        "有借阅申请只有他能审批，现在停用或更改，这些申请就会一直没人审批（B3）。请先让他审批完"
        "，或先给另一位有相应密级权限的人这个角色（部门的申请：该部门的另一位部门负责人）。"),
    "user_exists": (
        "这个用户名已经有人使用。请换一个用户名；如果是已停用的人回来了，请在用户列表里重新启用"
        "他的账号。"),
    "own_account": "不能更改自己的角色或密级权限，也不能停用自己的账号。请另一位系统管理员办理。",
    "above_own_clearance": (
        "您不能创建密级权限高于您自己的账号，不能把别人的密级权限提高到高于您自己的，也不能重设"
        "这类账号的密码。请由具有该密级权限的系统管理员办理，或由服务器运维人员用 archive user "
        "add 创建账号。"),
    "last_admin": (
        "这是最后一个在用的系统管理员账号，不能停用，也不能去掉系统管理员角色。请先让另一个用户"
        "成为系统管理员。"),
    "reserved_username": "这个用户名是系统保留的。请换一个用户名。",
    "bad_username": "用户名要以小写字母开头，只用小写字母、数字和 . _ -，长 2 到 64 个字符。",
    "roles_required": "请至少选择一个角色。",
    "clearance_required": "请选择密级权限。",
    "bad_department": (
        "部门写代码（小写字母开头，只用小写字母、数字和 _，例如 customer_service）或常用部门的"
        "名称（例如 客服部）。"),
    "password_too_short": "密码至少要 8 个字符。请输入更长的密码。",
    "password_too_common": (
        "这个密码太常见了（在常用密码清单里，或只是 archive、password 这类词加上数字），最先被"
        "人猜到。请换一个更长的短语：几个只对你连在一起才有意义的词。"),
    "password_contains_username": (
        "密码里含有用户名，最先被人猜到。请换一个更长的短语：几个只对你连在一起才有意义的词，不"
        "要含用户名。"),
    "passwords_differ": "两次输入的密码不一样。请重新输入。",
    "current_password_required": "请输入您现在的密码：更改密码要先证明是您本人。",
    "wrong_password": (
        "现在的密码不正确，密码没有更改。请重新输入您现在登录用的密码；如果忘记了，请系统管理员"
        "为您重设。"),
}

# A sign-in (``login_refusal``).
_LOGIN = {
    "invalid_credentials": "用户名或密码不正确。",
    "account_deactivated": "账号已停用（离职），不能登录。",
    "login_rate_limited": "尝试次数过多，请一分钟后再试。",
}

# Said only by the audit log: of the person refused (not to them), what it named
# that does not exist (or they may not know of), refusals counted (``audit_refusal``).
_AUDIT_LOG = {
    "role_required": "此人的角色不能进行这项操作。",
    "above_clearance": "其中有文件超出此人的密级权限。",
    "above_own_clearance": (
        "系统管理员不能创建密级权限高于自己的账号，不能把别人的密级权限提高到高于自己的，也不能"
        "重设这类账号的密码。"),
    "own_loan": "此人不能审批或办理自己的借阅。",
    "already_approved": "此人已经批准过这笔借阅；每一步需要另一个人审批。",
    "wrong_department": "这一步由借阅人所在部门的负责人审批，此人不是这个部门的。",
    "own_register": "编制清册的人不能作为它的监销人。",
    "witness_executes": "清册的监销人不能执行销毁。",
    "not_visible": "没有这份文件（或此人无权知道它）。",
    "unknown_document": "没有这份文件（或此人无权知道它）。",
    "unknown_loan": "没有这笔借阅（或此人无权知道它）。",
    "unknown_sweep": "没有这份清理清单（或此人无权知道它）。",
    "unknown_destruction": "没有这份销毁清册（或此人无权知道它）。",
    "unknown_correction": "没有这项更正（或此人无权知道它）。",
    "unknown_incident": "没有这起借阅事故（或此人无权知道它）。",
    "refusal_storm": "一分钟内被拒绝的次数太多，其余的只计数，不逐条记录。",
    "filed_differently": "相同内容的文件已经归档，这次填写的信息与已归档的不同。",
    "already_uploaded": "相同内容的文件已经上传归档，此人无权查看它。",
}

# A signature's password (``services.web.signing``).
_SIGNATURE = {
    "wrong_password": "密码不正确，签字没有记录。请重新输入您自己的登录密码。",
}

# A handover or a catalogue's printout (``handover_refusal``).
_HANDOVER = {
    "not_a_signer": "只有移交清单上的移交人和接收人可以签字。",
    "handover_changed": "移交清单的条目在您打开页面后发生了变化。请重新核对条目后再签字。",
    "invalid_transition": "这次移交已经完成或已取消，不能再签字或取消。请看本页上它现在的状态。",
    "reason_required": "请写明取消这次移交的原因（例如：移交人已离职）。原因会和移交记录一起保存。",
    "same_person": "移交人和接收人必须是两个不同的人。",
    "unknown_user": "移交人或接收人的用户名不存在或账号已停用。请检查用户名。",
    "receiver_not_archivist": "接收人必须是档案管理员。请填写一位档案管理员的用户名。",
    "nothing_to_hand_over": "没有可移交的文件。请至少选择一份文件，或填写有档案的户号。",
    "unknown_household": "有的户号不存在。请检查户号后再试。",
    "unknown_document": "有的文件不存在或您无权查看。请重新选择文件。",
    "document_destroyed": "其中有文件已经销毁，不能移交。请不选这些文件。",
    "already_transferred": "其中有文件已经移出档案室，不能移交。请不选这些文件。",
    "location_incomplete": "存放位置的楼栋、档案室、柜和盒要全部填写（或全部留空）。",
    "service_centre_required": "请填写移交单位。",
    "handed_over_by_required": "请填写移交人的用户名。",
    "received_by_required": "请填写接收人（档案管理员）的用户名。",
    "not_a_year": "请输入一个年份，例如 2024。",
    "above_clearance": (
        "这次移出的文件中有密级高于您权限的文件，您不能下载它的移出包。请由有相应权限的档案管理"
        "员下载。"),
}

# An inventory, its marks and resolutions, a condition check (``inventory_refusal``).
_INVENTORY = {
    "note_required": "错位的盒请先在输入框写明在哪里找到，再按“错位”。",
    "no_boxes": (
        "没有找到要盘点的档案盒（没有文件的存放位置在这个楼栋，或还没有文件登记存放位置），没有"
        "开始盘点。请检查楼栋是否写对，或留空盘点全部楼栋。"),
    "mark_required": "请选择核对结果：在位、缺失或错位。",
    "inventory_completed": (
        "这次盘点已经完成，结果不再修改。如有变化，请在下次盘点时核对，或处理帐物不符。"),
    "items_unchecked": "还有盒没有核对。请核对清单上的每一盒后再完成盘点。",
    "unknown_item": "清单上没有这一盒。请重新打开盘点清单。",
    "not_a_discrepancy": "只有缺失或错位的盒需要处理。",
    "already_resolved": "这项帐物不符已经处理过了。",
    "resolution_required": "请写明处理说明：找到了、已归位、已报告遗失……",
    "location_required": "请填写档案盒的位置：楼栋、房间、柜和盒。",
    "date_required": "请填写正确的检查日期。",
    "date_out_of_range": "请填写正确的检查日期。",
    "date_in_future": (
        "检查日期在今天之后：只能记录已经做过的检查。请填写实际检查的日期（特别是年份）后再保存"
        "。"),
    "protections_required": "七防的每一项都要选择“正常”或“有问题”。",
    "finding_required": "选择“有问题”的项目请写明发现的问题。",
    "too_long": "有一项填写得太长或格式不对，请检查后再提交。",
    "validation_failed": "有一项填写得太长或格式不对，请检查后再提交。",
    "role_required": "您的角色不能进行这项操作。盘点和检查由档案管理员或合规专员办理。",
    "inventory_above_clearance": (
        "这次盘点由密级权限高于您的人开始，只能由具有相应密级权限的人核对、完成或处理帐物不符。"
        "请开始您自己的盘点。"),
}

# A correction of a document's record asked for (更正著录, ``record_refusal``).
_RECORD = {
    "no_changes": (
        "这次更正没有改变任何一项：填写的内容与现在的记录相同。请改正需要更正的项目后再提交。"),
    "reason_required": "请写明更正理由（例如：题名录入有误、按原件核对）。",
    "title_required": "请填写题名。",
    "date_required": (
        "请填写正确的归档日期，例如 2021-06-30（也可以写 2021年6月30日），在 1900年 到 2199年 "
        "之间。"),
    "date_out_of_range": (
        "请填写正确的归档日期，例如 2021-06-30（也可以写 2021年6月30日），在 1900年 到 2199年 "
        "之间。"),
    "date_in_future": (
        "归档日期在今天之后：文件不能在将来归档。请按原件核对日期（特别是年份）后再提交。"),
    "location_incomplete": "纸质原件位置的楼栋、档案室、柜和盒要全部填写（或全部留空）。",
    "invalid_household": "请填写正确的户号，例如 A-1201；只有公司文件（公司文件与制度）不填户号。",
    "household_required": "请填写正确的户号，例如 A-1201；只有公司文件（公司文件与制度）不填户号。",
    "above_clearance": (
        "您不能把文件的密级定得高于您自己的密级权限。请选择不高于您权限的密级，或请有相应权限的"
        "档案管理员更正。"),
    "unknown_category": (
        "有一项的值不对（类别、密级或语言）。请从列表中选择，语言写代码（例如 zh、en）后再提交"
        "。"),
    "invalid_value": (
        "有一项的值不对（类别、密级或语言）。请从列表中选择，语言写代码（例如 zh、en）后再提交"
        "。"),
    "validation_failed": (
        "有一项的值不对（类别、密级或语言）。请从列表中选择，语言写代码（例如 zh、en）后再提交"
        "。"),
    "destroyed": "这份文件已经销毁，记录不能再更正。",
    "role_required": "著录由档案管理员更正。请联系档案管理员。",
    "on_hold": (
        "这份文件处于法律保全中，保全期间不能更正它的户号或类别（否则它会离开保全的范围）。请合"
        "规专员解除保全，或设置一项写明这份文件档号的保全，再更正；其他项目可以照常更正。"),
    "already_transferred": (
        "这份文件已经移出档案室，纸质原件已按移出清单上的档号交出，不能再更正它的类别、归档日期"
        "或户号；题名等其他项目可以照常更正。"),
    "in_destruction_register": (
        "这份文件已列入一份尚未执行的销毁清册，清册按现在的档号列出它，监销人按此核对签字，所以"
        "现在不能更正它的类别、归档日期或户号。确需更正的，请先撤回这份清册（执行开始前可以撤回"
        "），更正后再重新编制清册；题名等其他项目可以照常更正。"),
    "document_destroyed": "这份文件已经销毁，它的记录是销毁清册所销毁文件的凭证，不再更正。",
}

# A decision on a correction (更正审批, ``correction_refusal``).
_CORRECTION = {
    "reason_required": "驳回须写明理由，提出人会看到它。请写明理由后再驳回。",
    "decision_required": "请选择批准或驳回。",
    "not_pending": (
        "这项更正已经处理过了（已批准、已驳回或已由提出人撤回），不再等待审批。下方列表是现在的"
        "情况。"),
    "invalid_transition": (
        "这项更正已经处理过了（已批准、已驳回或已由提出人撤回），不再等待审批。下方列表是现在的"
        "情况。"),
    "stale_correction": (
        "这份文件在提出更正之后又改动过，这项更正是按旧记录写的，不能批准。请驳回，并请提出人按"
        "现在的记录重新提出。"),
    "on_hold": (
        "这份文件在提出更正之后被法律保全，保全期间不能更正它的户号或类别，现在不能批准。请驳回"
        "；保全解除后，提出人可以重新提出。"),
    "already_transferred": (
        "这份文件在提出更正之后已经移出档案室，不能再更正它的类别、归档日期或户号，这项更正不能"
        "批准。请驳回。"),
    "in_destruction_register": (
        "这份文件在提出更正之后已列入一份尚未执行的销毁清册，清册撤回之前不能更正它的类别、归档"
        "日期或户号，这项更正现在不能批准。请驳回；确需更正的，先撤回那份清册再批准。"),
    "document_destroyed": (
        "这份文件在提出更正之后已经销毁，它的记录不能再更正，这项更正不能批准。请驳回。"),
    "not_proposer": "只有提出这项更正的人可以撤回它；审批人如不同意，可以驳回。",
    "own_correction": "自己提出的更正不能由自己审批，须由另一位审批人处理。",
    "role_required": (
        "这项更正须由列表中写明的审批人批准（降低密级或取消“含业主个人信息”：总经理或客户服务中"
        "心负责人；把文件移到另一户或在办文件：部门负责人）。"),
}

# A household's occupants (``household_refusal``).
_HOUSEHOLD = {
    "occupant_required": "请填写新住户的姓名或公司名称。",
    "date_required": "请填写日期，例如 2021-06-30（也可以写 2021年6月30日）。",
    "date_out_of_range": "日期应在 1900年1月1日 到 2199年12月31日 之间，请检查年份后再提交。",
    "vacant": "这一户现在空置，没有住户可以退租。如有新住户迁入，请用“登记新住户”。",
    "date_in_future": (
        "这个日期在今天之后。只能登记已经发生的迁入或退租：请检查日期（特别是年份），或等到那一"
        "天再登记。"),
    "occupants_changed": (
        "在您确认之前，已有人登记了退租，这一户现在空置，不再是您确认时看到的住户。这次登记没有"
        "做任何更改。请先看下面的住户记录：如果仍要登记，请重新填写并提交。"),
}

_SIGN_WITH_YOURS = "请输入您的登录密码以签字。"
_SIGNED = _SIGNATURE | {"password_required": _SIGN_WITH_YOURS}
"""A signature refused, said alike by each area that takes one (a register's witnesses, a
handover's sides)."""
_RETENTION_SAYS = _COMMON | _SIGNED | _RETENTION

REFUSALS: dict[str, Mapping[str, str]] = {
    "refusal": _DOCUMENT,
    "common_refusal": _COMMON,
    "loan_refusal": _COMMON | _LOAN,
    "retention_refusal": _RETENTION_SAYS,
    "register_refusal": _RETENTION_SAYS | _REGISTER,
    "account_refusal": {code: _COMMON[code] for code in ("too_long", "role_required")}
    | _ACCOUNT,
    "login_refusal": _COMMON | _LOGIN,
    "audit_refusal": _AUDIT_LOG,
    "handover_refusal": _COMMON | _SIGNED | _HANDOVER,
    "inventory_refusal": _COMMON | _INVENTORY,
    "record_refusal": _COMMON | _RECORD,
    "correction_refusal": _COMMON | _CORRECTION,
    "household_refusal": _COMMON | _HOUSEHOLD,
}
"""The words of each area (by the name of the macro that says them) for the codes it words,
those it says as another area does included (most: as every area, ``common_refusal``)."""

OTHERWISE = {
    "refusal": "您不能进行这项操作。",
    "account_refusal": "档案系统没有接受这项操作。请检查后再试，或联系系统管理员。",
    "audit_refusal": "",
}
"""What an area says of a code it has no words for, where it is not ``REFUSED``; the audit
log page's own words say nothing then (the action's area speaks)."""


def refusal_words(area: str, code: str) -> str:
    """What ``area`` (a macro's name) says of a refusal coded ``code``."""
    return REFUSALS[area].get(code, OTHERWISE.get(area, REFUSED))


REFUSAL_AREAS = {
    "loan_refusal": ("loan_requested", "loan_approved", "loan_rejected", "loan_issued",
                     "loan_acknowledged", "loan_renewed", "loan_copy_recorded",
                     "loan_returned", "loan_incident_resolved", "loan_withdrawn", "read_loan"),
    "register_refusal": ("destruction_started", "destruction_executed",
                         "destruction_withheld"),
    "retention_refusal": ("hold_placed", "hold_released", "appraised", "sweep_started",
                          "sweep_approved", "sweep_rejected", "destruction_registered",
                          "destruction_witnessed", "destruction_cancelled",
                          "schedule_changed"),
    "account_refusal": ("user_created", "user_changed", "user_deactivated",
                        "user_reactivated", "password_reset", "password_changed"),
    "login_refusal": ("login",),
    "handover_refusal": ("handover_created", "handover_signed", "handover_cancelled",
                         "transferred"),
    "inventory_refusal": ("inventory_started", "inventory_item_checked",
                          "inventory_completed", "discrepancy_resolved", "condition_checked"),
    "record_refusal": ("correction_requested",),
    "correction_refusal": ("corrected", "correction_rejected", "correction_withdrawn"),
    "household_refusal": ("household_created", "occupant_changed", "moved_out",
                          "occupancy_corrected"),
    "refusal": (),
}
"""The area that says a refusal of each audited action in words, as the action's own page
says it; any other action's: ``refusal``, the document's."""

AUDIT_LOG_REFUSALS = "audit_refusal"
"""The words only the audit log says, tried before the action's area's: a role refused
said of the person, not to them; codes no page words."""

_AREA_OF_ACTION = {action: area for area, actions in REFUSAL_AREAS.items()
                   for action in actions}


def refusal_areas(action: str) -> tuple[str, ...]:
    """Where the words for a refusal of ``action`` are looked for, in order: the audit log's
    own, the action's area's, then any other area's (a code one area does not word another
    may)."""
    own = _AREA_OF_ACTION.get(action, "refusal")
    return (AUDIT_LOG_REFUSALS, own, *(area for area in REFUSAL_AREAS if area != own))


NAMED_REFUSALS: dict[str, dict[str, str]] = {
    action: {str(code): words for code, words in table.items()}
    for action, table in (("download", FINDING_NAMES), ("destruction_withheld", STOP_NAMES))}
"""Actions whose refusals' codes are worded by a table of their own, not an area's: a
download refused for what a fixity check found, a register's item withheld."""


def reason_words(action: str, code: str) -> str | None:
    """Why an attempt at ``action`` was refused (``code``), as the audit log says it: by
    the table of its action (``NAMED_REFUSALS``), else the first sentence of the first
    area's words for it (what to do next is for the person refused); None when nothing
    words it."""
    if (named := NAMED_REFUSALS.get(action, {}).get(code)) is not None:
        return named
    for area in refusal_areas(action):
        if words := REFUSALS[area].get(code):
            return first_sentence(words)
    return None


def first_sentence(words: str) -> str:
    """The first sentence of ``words`` (Chinese: to the first 。; English: to the first
    full stop before a space), none inside brackets (“(e.g. A-1201)”), keeping ``words``'
    markup as it is."""
    depth = 0
    for at, character in enumerate(words):
        depth += (character in "(（") - (character in ")）")
        if depth == 0 and (character in "。！？" or (character in ".!?"
                           and words[at + 1:at + 2] in ("", " ", "\n"))):
            return words[:at + 1]
    return words
