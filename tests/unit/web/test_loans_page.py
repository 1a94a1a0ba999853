"""The loan pages (services.web.loans_page): approve and reject are offered exactly on
the requests whose awaited step the person may give (B3); the moves offered follow the
loan's state and who is looking; notifications show which are new."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import msgspec

from services.common.auth import Principal
from services.common.clients.loans import REGISTER_PAGE
from services.common.clients.reader import RegistryReader
from services.common.contracts.lending import (
    Approval,
    Incident,
    Loan,
    LoanDocument,
    NoticeLoan,
    Notification,
    RejectionRecord,
    ReturnRecord,
)
from services.common.contracts.retention import DestructionSummary
from services.common.paging import LIST_PAGE
from services.web.loans_page import (
    LoanPage,
    RequestForm,
    awaits,
    incident_lines,
    loan_line,
    loan_page,
    loans_page,
    moves_for,
    offered_groups,
)
from services.web.navigation import layout as page_layout
from tests.support.registry import document_record
from tests.unit.web.conftest import LI, WANG, ZHAO, ZHOU, in_both_languages, shared_pages

AT = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)
OTHER_MANAGER = Principal(username="ma", roles=("manager",), department="engineering")


def _loan(loan_id: str, *, approved_by: tuple[str, ...] = (), status: str = "requested",
          borrower: str = "li", minutes: int = 0, **fields: Any) -> Loan:
    chain = ["manager", "director", "archivist"]
    approvals = [Approval(step=step, role=chain[step], approver=name, note=None,
                              approved_at=AT) for step, name in enumerate(approved_by)]
    waiting = status == "requested" and len(approvals) < len(chain)
    values: dict[str, Any] = {
        "loan_id": loan_id, "status": status, "kind": "digital", "purpose": "核对",
        "reason": "来电", "borrower": borrower, "borrower_department": "customer_service",
        "requested_by": borrower, "requested_at": AT + timedelta(minutes=minutes),
        "external": None, "documents": [], "approvals_needed": chain,
        "approvals": approvals, "next_approval": chain[len(approvals)] if waiting else None,
        "rejection": None, "issued_by": None, "issued_at": None, "acknowledged_at": None,
        "due_at": None, "renewals": 0, "renewed_at": None, "returned": None,
        "overdue": False, "escalated_at": None, "copies": [], "incidents": []} | fields
    return Loan(**values)


def _view(principal: Principal, loan: Loan) -> LoanPage:
    """The loan's page at ``AT``, with renewals allowed twice (the default setting)."""
    return loan_page(principal, loan, now=AT, max_renewals=2, zone=UTC)


def _awaiting(principal: Principal, loans: list[Loan]) -> list[str]:
    return [loan.loan_id for loan in loans if awaits(principal, loan)]


def test_each_approver_is_awaited_at_their_step() -> None:
    requested = [_loan("fresh"), _loan("director", approved_by=("zhou",)),
                 _loan("archive", approved_by=("zhou", "zhao"))]
    assert _awaiting(ZHOU, requested) == ["fresh"]
    assert _awaiting(ZHAO, requested) == ["director"]
    assert _awaiting(WANG, requested) == ["archive"]
    assert _awaiting(LI, requested) == []


def test_another_departments_head_and_the_borrower_are_not_awaited() -> None:
    assert _awaiting(OTHER_MANAGER, [_loan("loan")]) == []
    assert _awaiting(ZHOU, [_loan("own", borrower="zhou")]) == []


def test_decided_loans_wait_for_nobody() -> None:
    approved = _loan("approved", status="approved", approved_by=("zhou", "zhao", "wang"))
    rejected = _loan("rejected", status="rejected")
    assert _awaiting(ZHOU, [approved, rejected]) == _awaiting(WANG, [approved]) == []


def test_the_moves_offered_follow_the_state_and_who_looks() -> None:
    assert moves_for(ZHOU, _loan("a")) == {"approve", "reject"}
    assert moves_for(LI, _loan("a")) == {"withdraw"}
    approved = _loan("b", status="approved", approved_by=("zhou", "zhao", "wang"))
    assert moves_for(WANG, approved) == {"issue"}
    assert moves_for(LI, approved) == {"withdraw"}
    registered = _loan("r", requested_by="wang")
    assert moves_for(WANG, registered) == {"withdraw"}
    out = _loan("c", status="out", approved_by=("zhou", "zhao", "wang"))
    assert moves_for(LI, out) == {"acknowledge", "renew"}
    assert moves_for(WANG, out) == {"renew", "return"}
    assert moves_for(ZHOU, out) == set()


def test_a_line_names_the_step_awaited_by_its_title() -> None:
    assert loan_line(_loan("a")).waiting_for == "部门负责人"
    assert loan_line(_loan("b", approved_by=("zhou",))).waiting_for == "总经理"
    assert loan_line(_loan("c", status="rejected")).waiting_for == ""


def test_the_loan_pages_render_in_chinese_and_english_with_a_refusal_said_in_words() -> None:
    pages = shared_pages()
    out = _loan("out", status="out", approved_by=("zhou", "zhao", "wang"), renewals=1,
                due_at=AT + timedelta(days=7), issued_at=AT, issued_by="wang", overdue=True)
    layout = page_layout(LI, "/ui/loans", "token")
    chinese = pages.html("zh", "loan.html", layout | {
        "view": _view(LI, out), "done": "", "refused": "renewals_exhausted"})
    english = pages.html("en", "loan.html", layout | {
        "view": _view(LI, out), "done": "", "refused": "renewals_exhausted"})
    assert "已经续借到最多次数" in chinese
    assert "已续借 1 次" in chinese
    assert "renewed as often as allowed" in english
    assert "renewed 1 time" in english
    assert 'action="/ui/loans/out/renew"' in english
    notices = [Notification(notification_id=1, kind="loan_escalated", loan_id="out",
                            message="", created_at=AT),
               Notification(notification_id=2, kind="loan_escalated", loan_id="old",
                            message="", created_at=AT, read_at=AT)]
    listing = loans_page(mine=[], awaiting=[_loan("a")], register=[out],
                         shown="overdue", notifications=notices)
    assert listing.unread == 1
    for language in ("zh", "en"):
        html = pages.html(language, "loans.html",
                          layout | {"view": listing, "done": "", "refused": ""})
        assert html.count('href="/ui/loans/a"') == 1
        waiting = "待部门负责人审批" if language == "zh" else "waiting for the Department Head"
        assert waiting in html
        assert html.count('class="unread"') == 1


def test_a_rejected_request_shows_who_turned_it_down_at_which_step() -> None:
    rejected = _loan("no", status="rejected", approved_by=("zhou",), rejection=RejectionRecord(
        rejected_by="zhao", rejected_at=AT, reason="用途不明"))
    chinese, english = in_both_languages(LI, "/ui/loans", "loan.html",
                                         view=_view(LI, rejected), done="", refused="")
    chain = chinese[chinese.index('<ol class="chain">'):chinese.index("</ol>")]
    assert [" ".join(step.replace("</li>", "").split()) for step in chain.split("<li>")[1:]] == [
        "部门负责人： zhou 已批准", "总经理： zhao 驳回", "档案管理员： 已驳回，无需审批"]
    assert "未到" not in chain
    assert "turned down by zhao" in english


def test_the_approvers_and_who_turned_it_down_are_named_by_their_full_names() -> None:
    rejected = _loan("no", status="rejected", approved_by=("zhou",), rejection=RejectionRecord(
        rejected_by="zhao", rejected_at=AT, reason="用途不明"))
    chinese, _ = in_both_languages(LI, "/ui/loans", "loan.html", view=_view(LI, rejected),
                                   done="", refused="", people={"zhou": "周敏", "zhao": "赵刚"})
    chain = chinese[chinese.index('<ol class="chain">'):chinese.index("</ol>")]
    assert "周敏（zhou） 已批准" in chain
    assert "赵刚（zhao） 驳回" in chain


def test_a_named_borrower_and_their_department_stand_in_one_pair_of_brackets() -> None:
    chinese, english = in_both_languages(LI, "/ui/loans", "loan.html", view=_view(LI, _loan("one")),
                                         done="", refused="", people={"li": "李娜"})
    assert "李娜（li，客服部）" in chinese
    assert "）（" not in chinese
    assert "李娜 (li, Customer service)" in english


def _lent(document_id: str, **fields: Any) -> LoanDocument:
    values: dict[str, Any] = {
        "document_id": document_id, "archive_no": f"2024-correspondence-A-1201-{document_id}",
        "household": "A-1201", "category": "correspondence", "security": "ordinary",
        "personal_info": False, "title": "物业费催缴函"} | fields
    return LoanDocument(**values)


def test_a_loans_heading_names_its_borrower_and_what_it_lends_not_its_day() -> None:
    """As a document's page is named by its archive number: the one document lent by its
    number, several (or one the reader may not see) counted."""
    one = _loan("one", approved_by=("zhou", "zhao", "sun"), status="approved",
                documents=[_lent("0007")])
    chinese, english = in_both_languages(LI, "/ui/loans", "loan.html", view=_view(LI, one),
                                         done="", refused="", people={"li": "李娜"})
    start = chinese.index('<nav class="crumbs"')
    crumbs = chinese[start:chinese.index("</nav>", start)]
    assert "李娜（li） 借阅 2024-correspondence-A-1201-0007" in crumbs
    assert "2030年1月10日" not in crumbs
    heading = chinese[chinese.index("<h1>"):chinese.index("</h1>")]
    assert "李娜（li） 借阅 2024-correspondence-A-1201-0007" in heading
    assert "<title>李娜（li） 借阅 2024-correspondence-A-1201-0007 · 已批准" in chinese
    assert "Loan of 2024-correspondence-A-1201-0007 to 李娜 (li)" in english
    several = _loan("two", documents=[_lent("0007"), _lent("", redacted=True, title=None)])
    chinese, english = in_both_languages(LI, "/ui/loans", "loan.html", view=_view(LI, several),
                                         done="", refused="")
    assert "li 借阅 2 份文件" in chinese[chinese.index("<h1>"):chinese.index("</h1>")]
    assert "Loan of 2 documents to li" in english
    hidden = _loan("three", documents=[_lent("", redacted=True, title=None, archive_no="")])
    assert "li 借阅 1 份文件" in in_both_languages(
        LI, "/ui/loans", "loan.html", view=_view(LI, hidden), done="", refused="")[0]


def test_the_approvers_see_each_documents_marks_which_their_steps_follow_from() -> None:
    """B8: the service-centre head's step is there for the document holding owners'
    personal information, and the page says which one it is; B2: the director's for the
    confidential one, counted as such even above the reader's clearance."""
    loan = _loan("marked", approvals_needed=["manager", "center_head", "director", "archivist"],
                 documents=[_lent("0007", personal_info=True), _lent("0008"),
                            _lent("", redacted=True, title=None, security="confidential")])
    chinese, english = in_both_languages(ZHOU, "/ui/loans", "loan.html",
                                         view=_view(ZHOU, loan), done="", refused="")
    listed = chinese[chinese.index('id="documents"'):chinese.index("</section>",
                                                                   chinese.index('id="documents"'))]
    lines = [" ".join(re.sub("<[^>]+>", "", line).split())
             for line in listed[:listed.index("</ul>")].split("<li>")[1:]]
    assert lines == [
        "物业费催缴函 · 2024-correspondence-A-1201-0007 · 往来函件 · 密级：普通 含业主个人信息",
        "物业费催缴函 · 2024-correspondence-A-1201-0008 · 往来函件 · 密级：普通",
        "一份密级高于您权限的文件 · 往来函件 · 密级：机密"]
    assert '<span class="badge">含业主个人信息</span>' in listed
    assert '<span class="badge">密级：机密</span>' in listed
    assert ("含业主个人信息的文件须经客户服务中心负责人审批。"
            "机密、绝密文件须经总经理审批。") in listed
    assert "Holds owners' personal information" in english
    assert "Security: Confidential" in english
    plain = _loan("plain", documents=[_lent("0008")])
    assert "审批。" not in in_both_languages(
        ZHOU, "/ui/loans", "loan.html", view=_view(ZHOU, plain), done="", refused="")[0]
    personal = _loan("personal", documents=[_lent("0007", personal_info=True)])
    said = in_both_languages(ZHOU, "/ui/loans", "loan.html", view=_view(ZHOU, personal),
                             done="", refused="")[0]
    assert "含业主个人信息的文件须经客户服务中心负责人审批。" in said
    assert "总经理审批。" not in said


def test_a_withdrawn_request_says_who_withdrew_it_not_who_turned_it_down() -> None:
    withdrawn = _loan("gone", status="rejected", approved_by=("zhou",),
                      rejection=RejectionRecord(rejected_by="admin", rejected_at=AT,
                                                reason="借阅人已离职", withdrawn=True))
    assert moves_for(LI, withdrawn) == set()
    assert loan_line(withdrawn).status == "已撤回"
    chinese, english = in_both_languages(LI, "/ui/loans", "loan.html",
                                         view=_view(LI, withdrawn), done="withdraw", refused="")
    chain = chinese[chinese.index('<ol class="chain">'):chinese.index("</ol>")]
    assert [" ".join(step.replace("</li>", "").split()) for step in chain.split("<li>")[1:]] == [
        "部门负责人： zhou 已批准", "总经理： 已撤回，无需审批", "档案管理员： 已撤回，无需审批"]
    assert "admin 于" in chinese
    assert "借阅人已离职" in chinese
    assert "驳回" not in chinese
    assert "Withdrawn by admin" in english
    assert "Request withdrawn." in english


def test_the_applicant_is_offered_to_withdraw_a_request() -> None:
    html = shared_pages().html("zh", "loan.html", page_layout(LI, "/ui/loans", "token") | {
        "view": _view(LI, _loan("a")), "done": "", "refused": "not_applicant"})
    assert 'action="/ui/loans/a/withdraw"' in html
    assert "撤回申请" in html
    assert "只有借阅人" in html


def _out(**fields: Any) -> Loan:
    return _loan("out", status="out", approved_by=("zhou", "zhao", "wang"), issued_at=AT,
                 issued_by="wang", **{"due_at": AT + timedelta(days=7)} | fields)


def test_renewal_is_offered_only_when_the_registry_would_accept_it() -> None:
    pages = shared_pages()
    layout = page_layout(LI, "/ui/loans", "token")
    cases = [(_out(renewals=1), ""), (_out(renewals=2), "renewals_exhausted"),
             (_out(due_at=AT - timedelta(minutes=1), overdue=True), "loan_expired")]
    for loan, refused in cases:
        view = _view(LI, loan)
        assert ("renew" in view.moves, view.renewal_refused) == (not refused, refused)
        html = pages.html("zh", "loan.html", layout | {"view": view, "done": "",
                                                       "refused": ""})
        assert ('action="/ui/loans/out/renew"' in html) == (not refused)
    exhausted = pages.html("zh", "loan.html", layout | {
        "view": _view(LI, _out(renewals=2)), "done": "",
        "refused": ""})
    assert "不能续借：" in exhausted
    assert "已经续借到最多次数" in exhausted
    assert "renew" in loan_page(LI, _out(renewals=2), now=AT, max_renewals=3, zone=UTC).moves


def _buttons(html: str) -> list[str]:
    """The labels of the loan's own buttons (not the header's)."""
    actions = html.split('class="loan-actions"')[1]
    return re.findall(r'<button type="submit">([^<]+)</button>', actions)


def test_the_loan_pages_buttons_ask_for_what_they_do_in_english() -> None:
    """The buttons share their Chinese with the audit trail's entries ("lent out"), but
    read as what they do."""
    pages = shared_pages()
    approved = _loan("b", status="approved", approved_by=("zhou", "zhao", "wang"),
                     kind="paper")
    shown = {principal.username: _buttons(pages.html("en", "loan.html", page_layout(
        principal, "/ui/loans", "token") | {"view": _view(principal, loan), "done": "",
                                             "refused": ""}))
        for principal, loan in ((WANG, approved), (LI, _out()))}
    assert shown == {"wang": ["Lend out"], "li": ["Acknowledge receipt", "Renew"]}


def test_a_digital_loan_is_opened_for_reading_not_lent_out() -> None:
    """Nothing is handed over on a digital loan: its button, its outcome, its time and its
    status say it is opened for reading, where a paper loan's say lent out."""
    pages = shared_pages()
    layout = page_layout(WANG, "/ui/loans", "token")
    said = {}
    for kind in ("digital", "paper"):
        approved = _loan("b", status="approved", approved_by=("zhou", "zhao", "wang"),
                         kind=kind)
        issued = _out(kind=kind)
        offered = _buttons(pages.html("zh", "loan.html", layout | {
            "view": _view(WANG, approved), "done": "", "refused": ""}))
        after = pages.html("zh", "loan.html", layout | {
            "view": _view(WANG, issued), "done": "issue", "refused": ""})
        said[kind] = (offered[0], _view(WANG, issued).status,
                      "已开通电子查阅" in after, "开通时间" in after, "已借出。" in after)
    assert said == {"digital": ("开通电子查阅", "查阅中", True, True, False),
                    "paper": ("借出", "借出中", False, False, True)}
    assert loan_line(_loan("r", status="returned")).status == "查阅已结束"


def test_a_digital_loan_is_returned_without_a_damage_check() -> None:
    pages = shared_pages()
    layout = page_layout(WANG, "/ui/loans", "token")
    for kind, offered in (("digital", False), ("paper", True)):
        html = pages.html("zh", "loan.html", layout | {
            "view": _view(WANG, _out(kind=kind)), "done": "",
            "refused": ""})
        assert 'action="/ui/loans/out/return"' in html
        assert ("有损坏或遗失（将登记事故）" in html) == offered
        assert ('name="intact" value="yes">' in html) == (not offered)


def test_a_damaged_return_without_a_note_is_said_in_words() -> None:
    html = shared_pages().html("en", "loan.html", page_layout(WANG, "/ui/loans", "token") | {
        "view": _view(WANG, _out(kind="paper")), "done": "",
        "refused": "damage_note_required"})
    assert "say in the note what is wrong" in html


def test_documents_above_the_readers_clearance_are_counted_in_words() -> None:
    def document(title: str | None, *, redacted: bool = False) -> LoanDocument:
        return LoanDocument(document_id="" if redacted else title or "", archive_no="",
                            household=None, category="contract", security="confidential",
                            personal_info=False, title=title, redacted=redacted)
    register = [_loan("hidden", documents=[document(None, redacted=True)]),
                _loan("mixed", documents=[document("租赁合同"), document(None, redacted=True)])]
    listing = loans_page(mine=[], awaiting=None, register=register, shown="all",
                         notifications=[])
    chinese, english = in_both_languages(ZHOU, "/ui/loans", "loans.html",
                                         view=listing, done="", refused="")
    assert "1 件密级高于您权限的文件" in chinese
    assert "租赁合同（另 1 件密级高于您的权限）" in chinese
    assert "（1）" not in chinese
    assert "1 document above your clearance" in english


def test_each_notice_says_what_happened_to_whom_it_is_for() -> None:
    notices = [Notification(notification_id=n, kind=kind, loan_id="a", message="in the API",
                            created_at=AT)
               for n, kind in enumerate(("loan_approved", "loan_rejected", "loan_overdue"))]
    listing = loans_page(mine=[], awaiting=None, register=None, shown="all",
                         notifications=notices)
    html = shared_pages().html("zh", "loans.html", page_layout(LI, "/ui/loans", "token") | {
        "view": listing, "done": "", "refused": ""})
    for said in ("您的借阅申请已全部批准", "您的借阅申请被驳回", "您的借阅已超期未还"):
        assert said in html
    assert "in the API" not in html


def test_an_escalation_notice_names_the_borrower_the_documents_and_the_due_date() -> None:
    out = NoticeLoan(borrower="li", borrower_department="customer_service",
                     due_at=AT + timedelta(days=10), archive_nos=["2024-repair-A-1201-0001"],
                     hidden=1)
    notices = [Notification(notification_id=1, kind="loan_escalated", loan_id="out",
                            message="in the API", created_at=AT, loan=out),
               Notification(notification_id=2, kind="loan_overdue", loan_id="out",
                            message="in the API", created_at=AT, loan=out)]
    listing = loans_page(mine=[], awaiting=None, register=None, shown="all",
                         notifications=notices)
    chinese, english = in_both_languages(ZHOU, "/ui/loans", "loans.html",
                                         view=listing, done="", refused="")
    assert "li（客服部）的借阅超期未还，已上报；应在 2030年1月20日 17:00:00 前归还。" in chinese
    assert "您的借阅已超期未还（应在 2030年1月20日 17:00:00 前归还）" in chinese
    assert chinese.count("文件：2024-repair-A-1201-0001（另 1 件密级高于您的权限）") == 2
    assert '<a href="/ui/loans/out">查看 li 的借阅</a>' in chinese
    assert "The loan of li (Customer service) is overdue and was reported; it was due by " \
           "Jan 20, 2030, 5:00:00\u202fPM." in english
    assert "Documents: 2024-repair-A-1201-0001 (and 1 document above your clearance)" \
           in english
    assert "in the API" not in chinese


def test_the_inbox_reads_every_request_page_by_page() -> None:
    asked: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        asked.append(params)
        offset = int(params["offset"])
        count = max(0, min(REGISTER_PAGE, REGISTER_PAGE + 3 - offset))
        return httpx.Response(200, content=msgspec.json.encode(
            [_loan(f"loan-{offset + n}") for n in range(count)]))

    async def read() -> list[Loan]:
        reader = RegistryReader("http://registry", name="registry",
                                service_token=lambda: "unused",
                                transport=httpx.MockTransport(answer))
        try:
            return await reader.awaiting_loans("token")
        finally:
            await reader.close()

    found = asyncio.run(read())
    assert len(found) == REGISTER_PAGE + 3
    assert found[-1].loan_id == f"loan-{REGISTER_PAGE + 2}"
    assert [(params["awaiting"], params["offset"]) for params in asked] == [
        ("me", "0"), ("me", str(REGISTER_PAGE))]


def test_the_desk_resolves_open_incidents_and_the_loan_page_keeps_the_resolution() -> None:
    pages = shared_pages()
    open_one = Incident(incident_id="i1", loan_id="back", note="封皮破损", reported_by="wang",
                        reported_at=AT)
    returned = _loan("back", status="returned", approved_by=("zhou", "zhao", "wang"),
                     incidents=[msgspec.structs.replace(
                         open_one, resolved_by="sun", resolved_at=AT + timedelta(days=1),
                         resolution="已修复")])
    listing = loans_page(mine=[], awaiting=None, register=None, shown="all",
                         notifications=[], incidents=incident_lines([open_one], {}))
    layout = page_layout(WANG, "/ui/loans", "token")
    for language in ("zh", "en"):
        desk = pages.html(language, "loans.html", layout | {
            "view": listing, "done": "", "refused": "resolution_required"})
        assert 'action="/ui/loans/incidents/i1/resolve"' in desk
        assert 'name="_csrf_token" value="token"' in desk
        assert "写明处理结果" in desk or "Write what was done" in desk
        loan = pages.html(language, "loan.html", layout | {
            "view": _view(WANG, returned), "done": "", "refused": ""})
        assert "已修复" in loan
        assert "sun" in loan
        assert "封皮破损" in loan


def test_a_witness_sees_the_registers_awaiting_their_signature_with_links() -> None:
    pages = shared_pages()
    waiting = DestructionSummary(destruction_id="d1", sweep_id="s1",
                                 status="awaiting_witnesses", created_at=AT, items=3)
    listing = loans_page(mine=[], awaiting=None, register=None, shown="all",
                         notifications=[], to_witness=[waiting])
    layout = page_layout(ZHAO, "/ui/loans", "token")
    chinese = pages.html("zh", "loans.html", layout | {"view": listing, "done": "",
                                                      "refused": ""})
    english = pages.html("en", "loans.html", layout | {"view": listing, "done": "",
                                                      "refused": ""})
    assert 'href="/ui/destructions/d1"' in chinese
    assert "待我监销签字" in chinese
    assert "3 件" in chinese
    assert "Awaiting my signature as witness" in english
    assert "3 items" in english
    nobody = loans_page(mine=[], awaiting=None, register=None, shown="all",
                        notifications=[], to_witness=[])
    assert "现在没有等待您监销签字" in pages.html("zh", "loans.html", layout | {
        "view": nobody, "done": "", "refused": ""})
    badge = pages.html("zh", "_badges.html", {"waiting": 0, "signatures": 2,
                                              "notices": 0, "corrections": None,
                                              "sweeps": None})
    assert "2 份销毁清册待您监销签字" in badge


def test_a_loan_fallen_due_tells_its_borrower_to_return_it() -> None:
    due = NoticeLoan(borrower="li", borrower_department="customer_service",
                     due_at=AT + timedelta(days=10), archive_nos=["2024-repair-A-1201-0001"])
    listing = loans_page(mine=[], awaiting=None, register=None, shown="all", notifications=[
        Notification(notification_id=1, kind="loan_past_due", loan_id="out",
                     message="in the API", created_at=AT, loan=due)])
    chinese, english = in_both_languages(LI, "/ui/loans", "loans.html",
                                         view=listing, done="", refused="")
    assert "您的借阅已到期未还（应在 2030年1月20日 17:00:00 前归还）。请尽快归还到档案室" in chinese
    assert "Your loan is past its due time (Jan 20, 2030, 5:00:00\u202fPM) and not " \
           "returned." in english
    assert "in the API" not in chinese


def test_the_escalation_hint_says_to_urge_the_return_not_to_renew() -> None:
    listing = loans_page(mine=[], awaiting=None, register=None, shown="all", notifications=[
        Notification(notification_id=1, kind="loan_escalated", loan_id="out", message="",
                     created_at=AT)])
    chinese = shared_pages().html("zh", "loans.html", page_layout(ZHOU, "/ui/loans", "token") | {
        "view": listing, "done": "", "refused": ""})
    assert "请督促借阅人尽快归还" in chinese
    assert "超期的借阅不能续借；借阅人如仍需要，请重新申请，重新审批。" in chinese
    assert "或续借" not in chinese


def test_an_english_loan_page_has_no_chinese_punctuation_around_english() -> None:
    approval = Approval(step=0, role="manager", approver="zhou", note="同意", approved_at=AT)
    returned = _loan("back", status="returned", approved_by=("zhou", "zhao", "wang"),
                     kind="paper", issued_at=AT, issued_by="wang", due_at=AT + timedelta(days=7),
                     returned=ReturnRecord(returned_by="wang", returned_at=AT, intact=True,
                                         note=None))
    returned = msgspec.structs.replace(returned, approvals=[approval, *returned.approvals[1:]])
    english = shared_pages().html("en", "loan.html", page_layout(LI, "/ui/loans", "token") | {
        "view": _view(LI, returned), "done": "", "refused": ""})
    text = re.sub(r"<[^>]+>", "", english)
    assert re.findall(r"[（）：、]", text) == []
    assert "li (Customer service)" in text
    assert "· wang" in text
    assert re.search(r"Department head:\s+approved by zhou \(同意\)", text, re.IGNORECASE)
    assert "Lent out" in text
    assert "Returned" in text


def _request_form(form: RequestForm) -> str:
    return shared_pages().html("zh", "loan_new.html", page_layout(LI, "/ui/loans/new", "token") | {
        "offered": [document_record()], "chosen": set(), "household": "A-1201",
        "groups": offered_groups([document_record()], set()), "form": form})


def _field(html: str, name: str) -> str:
    return re.search(rf'<(?:input|textarea) id="{name}"[^>]*>', html).group(0)  # type: ignore[union-attr]


def test_a_households_large_file_is_offered_by_category_those_without_a_chosen_one_closed(
        ) -> None:
    """A file of hundreds of documents listed whole was 24 000 px of boxes on a phone."""
    offered = [document_record(document_id=f"d{number}", category=category,
                               title=f"{category} {number}",
                               filed_at=date(2010 + number % 15, 5, 1))
               for number, category in enumerate(["repair", "decoration", "payment"] * 10)]
    groups = offered_groups(offered, {"d4"})
    assert [(group.name, len(group.records), group.open) for group in groups] == [
        ("缴费记录与押金", 10, False), ("装修工程文件", 10, True), ("维修/报修记录", 10, False)]
    html = shared_pages().html("zh", "loan_new.html", page_layout(LI, "/ui/loans/new", "token") | {
        "offered": offered, "chosen": {"d4"}, "household": "A-1201", "groups": groups,
        "form": RequestForm({})})
    assert html.count('<details class="offered"') == 3
    assert html.count('<details class="offered" open>') == 1
    assert "共 30 份，按类别列出" in html
    assert '<summary>装修工程文件 <span class="count">10 份</span></summary>' in html
    assert re.search(r'value="d4" checked> decoration 4 <span class="hint">2014年5月1日 · ', html)
    few = offered_groups(offered[:6], set())
    assert all(group.open for group in few)
    assert "<details" not in shared_pages().html(
        "zh", "loan_new.html", page_layout(LI, "/ui/loans/new", "token") | {
            "offered": offered[:1], "chosen": set(), "household": "A-1201",
            "groups": offered_groups(offered[:1], set()), "form": RequestForm({})}
    ).split("<legend>")[1].split("</fieldset>")[0]


def test_a_request_nobody_could_approve_names_the_step_from_the_registrys_refusal() -> None:
    refused = RequestForm({}, "no_approver", {"step": "center_head", "steps": ["center_head"],
                                              "clearance_needed": "ordinary"})
    assert "这笔借阅需要客户服务中心负责人审批，但除您本人以外没有人担任这一职务" in (
        _request_form(refused))
    confidential = RequestForm({}, "no_approver", {"steps": ["manager"],
                                                   "clearance_needed": "confidential"})
    assert "这笔借阅需要部门负责人审批" in _request_form(confidential)
    assert "“机密”密级权限" in _request_form(confidential)


def test_a_request_refused_for_a_half_filled_external_reader_marks_the_empty_fields() -> None:
    typed = {"kind": "digital", "purpose": "核对", "reason": "来电", "household": "A-1201",
             "external_name": "张伟", "external_organisation": "律师事务所",
             "external_id_document": "", "external_introduction_letter": ""}
    html = _request_form(RequestForm(typed, "external_incomplete"))
    assert '<p class="refusal" role="alert" id="problem">' in html
    empty = [_field(html, name) for name in ("external_id_document",
                                             "external_introduction_letter")]
    assert ['aria-invalid="true"' in field and 'aria-describedby="problem"' in field
            for field in empty] == [True, True]
    first = html.index("autofocus")
    assert html.rfind("<input", 0, first) == html.index('<input id="external_id_document"')
    assert html.count("autofocus") == 2  # the browser focuses the first
    assert ["aria-invalid" in _field(html, name)
            for name in ("external_name", "external_organisation", "purpose", "reason")] \
        == [False] * 4
    assert "<details open>" in html


def test_a_request_without_purpose_and_reason_marks_both() -> None:
    html = _request_form(RequestForm({"kind": "digital", "purpose": "", "reason": ""},
                                     "purpose_required"))
    assert ['aria-invalid="true"' in _field(html, name) for name in ("purpose", "reason")] \
        == [True, True]
    assert "<details open>" not in html


def test_the_external_readers_part_is_open_when_any_of_it_is_typed() -> None:
    assert not RequestForm({}).external_open
    assert not RequestForm({"purpose": "核对"}, "purpose_required").external_open
    assert RequestForm({"external_organisation": "律师事务所"}).external_open
    assert RequestForm({"external_name": "张伟"}, "external_incomplete").external_open


def test_what_people_wrote_on_a_loan_is_marked_chinese_on_the_english_pages() -> None:
    """A screen reader says a title, an approval's note and an incident's note and
    resolution in a Chinese voice on an English page (WCAG 3.1.2)."""
    pages = shared_pages()
    approved = _loan("back", status="returned", approved_by=("zhou", "zhao", "wang"),
                     incidents=[Incident(incident_id="i1", loan_id="back", note="封皮破损",
                                         reported_by="wang", reported_at=AT,
                                         resolved_by="sun", resolved_at=AT,
                                         resolution="已修复")])
    approved = msgspec.structs.replace(approved, approvals=[
        msgspec.structs.replace(approved.approvals[0], note="同意借阅")])
    loan = pages.html("en", "loan.html", page_layout(WANG, "/ui/loans", "token") | {
        "view": _view(WANG, approved), "done": "", "refused": ""})
    for written in ("同意借阅", "封皮破损", "已修复"):
        assert f'<span lang="zh">{written}</span>' in loan, written
    record = document_record()
    form = pages.html("en", "loan_new.html", page_layout(LI, "/ui/loans/new", "token") | {
        "offered": [record], "chosen": set(), "household": "A-1201",
        "groups": offered_groups([record], set()), "form": RequestForm({})})
    assert re.search(rf'<span lang="zh[^"]*">{re.escape(record.title)}</span>', form)


def test_a_loan_returned_after_its_due_date_says_so_on_its_page_and_in_the_register() -> None:
    """B4: the statistics count it ``returned_late`` and ``archive loans`` says it; the
    register and the loan's page say it too, not only that it was escalated."""
    def returned(loan_id: str, late_by: timedelta) -> Loan:
        due = AT + timedelta(days=7)
        return _loan(loan_id, status="returned", approved_by=("zhou", "zhao", "wang"),
                     kind="paper", issued_at=AT, issued_by="wang", due_at=due,
                     returned=ReturnRecord(returned_by="wang", returned_at=due + late_by,
                                           intact=True, note=None))
    late, on_time = returned("late", timedelta(days=9)), returned("on-time", -timedelta(hours=1))
    listing = loans_page(mine=[], awaiting=None, register=[late, on_time], shown="all",
                         notifications=[])
    chinese, english = in_both_languages(WANG, "/ui/loans", "loans.html",
                                         view=listing, done="", refused="")
    rows = chinese.split('<tr role="row"')
    assert ["逾期归还" in row for row in rows if "/ui/loans/" in row] == [True, False]
    assert "returned late" in english
    pages = shared_pages()
    layout = page_layout(WANG, "/ui/loans", "token")
    assert [("逾期归还" in pages.html("zh", "loan.html", layout | {
        "view": _view(WANG, loan), "done": "", "refused": ""})) for loan in (late, on_time)] \
        == [True, False]


def test_an_overdue_loan_in_the_register_tells_the_desk_and_approvers_what_to_do() -> None:
    """B4: between the due date and the escalation, the register marks a loan overdue;
    the desk and the approvers reading it are told to chase its return, not left with a
    badge alone."""
    due = AT - timedelta(days=1)
    overdue = _out(kind="paper", due_at=due, overdue=True)
    on_time = _out(kind="paper")

    def register(*loans: Loan) -> tuple[str, str]:
        listing = loans_page(mine=[], awaiting=[], register=list(loans), shown="all",
                             notifications=[])
        return in_both_languages(WANG, "/ui/loans", "loans.html", view=listing, done="",
                                 refused="")
    chinese, english = register(overdue, on_time)
    assert "请联系借阅人尽快归还" in chinese
    assert "ask the borrower to return them soon" in english
    assert "请联系借阅人尽快归还" not in register(on_time)[0]


def test_a_loans_page_gives_the_time_it_falls_due_not_only_the_day() -> None:
    """B4: a loan is overdue and can no longer be renewed from the instant it falls due
    (issue plus seven days), not from the next day: its page says that instant, so
    "due on the 17th" is not read as "until the evening of the 17th"."""
    html = shared_pages().html("zh", "loan.html", page_layout(LI, "/ui/loans", "token") | {
        "view": _view(LI, _out(kind="paper")), "done": "", "refused": ""})
    english = shared_pages().html("en", "loan.html", page_layout(LI, "/ui/loans", "token") | {
        "view": _view(LI, _out(kind="paper")), "done": "", "refused": ""})
    assert re.search(r"<dt>应还日期</dt><dd>2030年1月17日 \d{2}:00:00 前", html), html
    assert re.search(r"<dt>Due</dt><dd>by Jan 17, 2030, \d{1,2}:00:00", english)


def test_a_register_of_thousands_of_loans_is_paged_and_says_more_follow() -> None:
    """Ten years of loans are thousands: the register shows ``LIST_PAGE`` a page, newest
    first, says which loans it shows and that more follow, and links the next page, as
    the registry answered one more than the page holds; the last page links back."""
    loans = [_loan(f"loan-{n}", minutes=-n) for n in range(LIST_PAGE + 1)]
    first = loans_page(mine=[], awaiting=None, register=loans, shown="overdue",
                       notifications=[], register_page=1)
    assert [line.loan.loan_id for line in first.register or []] == [
        f"loan-{n}" for n in range(LIST_PAGE)]
    chinese, english = in_both_languages(WANG, "/ui/loans", "loans.html", view=first,
                                         done="", refused="")
    assert f"第 1–{LIST_PAGE} 条，最新的在前，后面还有" in chinese
    assert f"Loans 1–{LIST_PAGE}, newest first, more follow" in english
    assert 'href="/ui/loans?show=overdue&amp;page=2#register" rel="next"' in chinese
    assert "loan-100" not in chinese

    last = loans_page(mine=[], awaiting=None, register=loans[LIST_PAGE:], shown="overdue",
                      notifications=[], register_page=2)
    chinese, _ = in_both_languages(WANG, "/ui/loans", "loans.html", view=last, done="",
                                   refused="")
    assert f"第 {LIST_PAGE + 1}–{LIST_PAGE + 1} 条，最新的在前" in chinese
    assert "后面还有" not in chinese
    assert 'href="/ui/loans?show=overdue#register" rel="prev"' in chinese


def test_a_register_page_past_its_end_says_so_and_leads_back_to_the_first() -> None:
    past = loans_page(mine=[], awaiting=None, register=[], shown="all", notifications=[],
                      register_page=7)
    chinese, english = in_both_languages(WANG, "/ui/loans", "loans.html", view=past, done="",
                                         refused="")
    assert "登记簿没有这么多页" in chinese
    assert "登记簿里还没有借阅" not in chinese
    assert 'href="/ui/loans?show=all#register">回到第一页' in chinese
    assert "Back to the first page" in english


def test_a_borrowers_own_loans_are_paged_too() -> None:
    """A staff member borrows for years: their own loans show ``LIST_PAGE`` a page."""
    mine = [_loan(f"mine-{n}", minutes=-n) for n in range(LIST_PAGE + 1)]
    first = loans_page(mine=mine, awaiting=None, register=None, shown="all",
                       notifications=[])
    assert len(first.mine) == LIST_PAGE
    chinese, english = in_both_languages(LI, "/ui/loans", "loans.html", view=first, done="",
                                         refused="")
    assert f"第 1–{LIST_PAGE} 条，最新的在前，后面还有" in chinese
    assert 'href="/ui/loans?show=all&amp;mine_page=2#mine" rel="next"' in chinese
    assert 'aria-label="My loans\' pages"' in english
    second = loans_page(mine=mine[LIST_PAGE:], awaiting=None, register=None, shown="all",
                        notifications=[], mine_page=2)
    assert [line.loan.loan_id for line in second.mine] == [f"mine-{LIST_PAGE}"]
