"""The audit log page (services.web.audit_page): what the address asks for, and each entry
as a person reads it, in both languages."""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import get_args
from zoneinfo import ZoneInfo

import pytest

from services.common.auth import Principal
from services.common.contracts.registry import AuditRecord, FixityFindingKind
from services.common.contracts.retention import WithheldReason
from services.web.audit_page import (
    AUDIT_PAGE,
    DETAIL_NAMES,
    AuditFilters,
    audit_filters,
    audit_view,
    may_read,
    namesakes,
    usernames_of,
)
from services.web.render import first_sentence
from tests.unit.web.conftest import LI, WANG, in_both_languages

QIAN = Principal(username="qian", roles=("compliance",), department="archive")
ROOT = Principal(username="root", roles=("admin",), department="it")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def entry(seq: int, action: str = "read_text", **fields: object) -> AuditRecord:
    values: dict[str, object] = {
        "seq": seq, "at": datetime(2030, 3, 1, 1, 30, tzinfo=UTC), "username": "li",
        "action": action, "document_id": "d" * 32, "outcome": "allowed", "code": None,
        "detail": {}, "prev_hash": "0" * 64, "hash": "1" * 64,
        "archive_no": "2030-complaint-A-1201-0001"}
    values.update(fields)
    return AuditRecord(**values)  # type: ignore[arg-type]


def asked(**typed: str) -> tuple[AuditFilters, str]:
    fields = {"user": "", "action": "", "document": "", "first_day": "", "last_day": "",
              "before": ""} | typed
    return audit_filters(**fields)


def test_the_page_is_the_compliance_officer_s_and_the_administrator_s() -> None:
    assert may_read(QIAN)
    assert may_read(ROOT)
    assert not may_read(WANG)
    assert not may_read(LI)


def test_a_person_is_named_by_username_in_any_case_or_by_full_name() -> None:
    people = {"wang": "王芳", "li": "李明", "li2": "李明"}

    assert usernames_of("Wang", people) == ["wang"]
    assert usernames_of("王芳", people) == ["wang"]
    assert usernames_of("王 芳", people) == ["王 芳"]  # not a name anyone has
    assert usernames_of("李明", people) == ["li", "li2"]


def test_a_full_name_two_people_share_asks_which_of_them_keeping_the_other_filters() -> None:
    people = {"wang": "王芳", "li": "李明", "li2": "李明"}
    filters, _ = asked(user="李明", action="download", first_day="2030-03-01")

    choices = namesakes(filters, people)
    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html",
                                         view=audit_view(filters, []), problem="shared_name",
                                         namesakes=choices, people=people)

    assert choices == [
        ("li", "/ui/audit?user=li&action=download&from=2030-03-01"),
        ("li2", "/ui/audit?user=li2&action=download&from=2030-03-01")]
    assert namesakes(asked(user="王芳")[0], people) == []
    assert namesakes(asked(user="nobody")[0], people) == []
    assert "有 2 位同事都叫“李明”，请选择是哪一位：" in chinese
    assert '<a href="/ui/audit?user=li2&amp;action=download&amp;from=2030-03-01">李明（li2）</a>' \
        in chinese
    assert "2 colleagues are called “李明”: choose which one:" in english


def test_days_are_the_company_s_and_the_last_one_is_included() -> None:
    filters, problem = asked(first_day="2030-03-01", last_day="2030-03-01")

    assert problem == ""
    assert filters.since(SHANGHAI) == datetime(2030, 3, 1, tzinfo=SHANGHAI)
    assert filters.until(SHANGHAI) == datetime(2030, 3, 2, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("typed", "problem"), [
    ({"first_day": "2030-13-01"}, "not_a_day"),
    ({"first_day": "2030-03-02", "last_day": "2030-03-01"}, "days_reversed"),
    ({"action": "drop_table"}, "unknown_action"),
])
def test_what_cannot_be_asked_is_named_and_what_was_typed_kept(
        typed: dict[str, str], problem: str) -> None:
    filters, found = asked(user="li", **typed)

    assert found == problem
    assert filters.user == "li"


@pytest.mark.parametrize("before", ["abc", "-3", "0", str(2**62), "9" * 40])
def test_a_page_number_that_is_no_entry_s_is_the_newest_page(before: str) -> None:
    assert asked(before=before) == (AuditFilters(), "")


def test_a_full_page_links_to_the_older_entries_with_the_same_filters() -> None:
    filters, _ = asked(user="li", first_day="2030-03-01", outcome="refused")
    entries = [entry(seq) for seq in range(500, 500 - AUDIT_PAGE - 1, -1)]

    view = audit_view(filters, entries)

    assert len(view.rows) == AUDIT_PAGE
    assert view.older_url == (
        f"/ui/audit?user=li&outcome=refused&from=2030-03-01&before={500 - AUDIT_PAGE + 1}")
    assert view.newest_url is None
    older = audit_view(AuditFilters(user="li", first_day=date(2030, 3, 1), before=401),
                       entries[:3])
    assert older.older_url is None
    assert older.newest_url == "/ui/audit?user=li&from=2030-03-01"


def test_each_entry_reads_in_words_with_its_document_by_its_archive_number() -> None:
    filters, _ = asked()
    view = audit_view(filters, [
        entry(3, "loan_issued", detail={"loan_id": "L1", "kind": "paper"}),
        entry(2, "download", outcome="refused", code="loan_required"),
        entry(1, "read", document_id=None, archive_no=None, detail={"redacted": True}),
    ])

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="")

    assert "借出" in chinese
    assert "Lent out" in english
    assert '<a href="/ui/documents/' + "d" * 32 + '">2030-complaint-A-1201-0001</a>' in chinese
    assert "借阅编号：L1；类型：纸质借出" in chinese
    assert "Loan: L1; Kind: Paper" in english
    assert "拒绝 <code>loan_required</code>" in chinese
    assert "（您无权知道的文件）" in chinese
    assert "(a document you may not know of)" in english
    assert "2030年3月1日 09:30:00" in chinese  # 01:30 UTC on the company's clocks


def test_a_wrong_document_says_what_to_type() -> None:
    filters, _ = asked(document="2030-nothing-0001")

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html",
                                         view=audit_view(filters, []),
                                         problem="unknown_document")

    assert "没有档号为“2030-nothing-0001”的文件" in chinese
    assert "No document has the archive number “2030-nothing-0001”" in english
    assert 'value="2030-nothing-0001"' in chinese


def test_each_detail_reads_in_words_people_by_name_and_times_on_the_company_s_clocks(
) -> None:
    """What an entry recorded is said as the other pages say it: codes by their names,
    people by their names, instants on the company's clocks, yes or no, the first
    approval step as 1, what it is about first; what someone typed and ids stay as
    recorded."""
    filters, _ = asked()
    view = audit_view(filters, [
        entry(4, "loan_approved", detail={  # as stored: by name, A to Z
            "approvals_needed": ["manager", "archivist"], "borrower": "li",
            "due_at": "2030-03-12T09:00:00+00:00", "kind": "paper", "loan_id": "L1",
            "role": "manager", "status": "approved", "step": 0}),
        entry(3, "user_created", document_id=None, archive_no=None, detail={
            "user": "wang", "roles": ["archivist"], "clearance": "confidential",
            "department": "archive", "password_set": True}),
        entry(2, "refusals_not_itemised", document_id=None, archive_no=None,
              outcome="refused", code="refusal_storm",
              detail={"count": 12, "actions": ["download", "read_text"]}),
        entry(1, "fixity_check", document_id=None, archive_no=None,
              detail={"trigger": "scheduled", "kinds": ["original_missing"],
                      "something_new": "as coded"}),
    ])

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="", people={"li": "李明", "wang": "王芳"})

    assert ("借阅编号：L1；类型：纸质借出；借阅人：李明（li）；状态：已批准；角色：部门负责人；"
            "审批步骤：1；需要的审批：部门负责人、档案管理员；应还时间：2030年3月12日 17:00:00"
            in chinese)
    assert ("用户：王芳（wang）；角色：档案管理员；密级：机密；部门：档案室；已设密码：是"
            in chinese)
    assert "次数：12；操作：下载原件、阅读内容" in chinese
    assert "发起方式：按计划自动；问题类型：原件缺失；something_new：as coded" in chinese
    assert "Kind: Paper" in english
    assert "Borrower: 李明 (li)" in english
    assert "Role: Archivist; Clearance: Confidential" in english
    assert "Actions: Original downloaded, Read the content" in english
    assert "Started: On schedule" in english
    for coded in ("paper", "manager", "confidential", "True", "scheduled", "original_missing",
                  "+00:00", "step"):
        assert coded not in _details(chinese), coded


def test_a_fixity_finding_says_what_it_found_and_what_to_do_in_the_page_s_language(
) -> None:
    """A finding records the series, numbers and sizes its sentence names as values (the
    checker's English sentence is an older entry's only explanation, shown as recorded);
    the page says them, and what to do, in words."""
    filters, _ = asked()
    view = audit_view(filters, [
        entry(3, "fixity_finding", document_id=None, archive_no=None, detail={
            "run_id": "r1", "kind": "archive_number_gap", "series": "2015-repair-A-1201",
            "missing_archive_nos": ["2015-repair-A-1201-0003", "2015-repair-A-1201-0005"],
            "more_missing": 12}),
        entry(2, "fixity_finding", detail={
            "run_id": "r1", "kind": "original_altered",
            "archive_no": "2030-complaint-A-1201-0001", "recorded_bytes": 47,
            "stored_bytes": 48, "stored_sha256": "ab" * 32}),
        entry(1, "fixity_finding", detail={
            "run_id": "r0", "kind": "original_missing",
            "detail": "the original is not in the object store"}),
    ])

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="")

    assert ("类型：档号有空缺；检测编号：r1；档号系列：2015-repair-A-1201；"
            "缺少的档号：2015-repair-A-1201-0003、2015-repair-A-1201-0005；另缺（未列出）：12；"
            "处理办法：档号应当连续" in chinese)
    assert ("目录记录的大小（字节）：47；存储中的大小（字节）：48；存储中内容的 SHA-256："
            + "ab" * 32 + "；处理办法：从备份放回原件" in chinese)
    assert "说明：the original is not in the object store；处理办法：从备份放回原件" in chinese
    assert "Series: 2015-repair-A-1201" in english
    assert "Missing archive numbers: 2015-repair-A-1201-0003, 2015-repair-A-1201-0005" in english
    assert "Size recorded (bytes): 47; Size stored (bytes): 48" in english
    assert "What to do: Put the original back from a backup" in english
    for coded in ("archive_number_gap", "original_altered", "series", "recorded_bytes"):
        assert coded not in _details(chinese), coded


def test_a_hold_s_entries_name_it_as_the_holds_page_does() -> None:
    """法律保全 is placed and released (设置保全, 解除保全 on its page), not frozen (冻结)."""
    filters, _ = asked()
    view = audit_view(filters, [
        entry(2, "hold_released", detail={"hold_id": "h1", "note": "诉讼已结案"}),
        entry(1, "hold_placed", detail={"hold_id": "h1", "reason": "业主诉讼中"})])

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="")

    assert "设置法律保全" in chinese
    assert "解除法律保全" in chinese
    assert "保全编号：h1" in chinese
    assert "冻结" not in chinese
    assert "Legal hold placed" in english


def test_a_correction_s_approvers_are_roles_named_as_the_pages_name_them() -> None:
    """A correction (D11) or an occupancy correction (D12) asked for records who approves
    it as roles (``manager``; ``director`` and ``center_head`` for lowered protection,
    D10), not usernames: the page names them as roles, never by their codes."""
    filters, _ = asked()
    view = audit_view(filters, [
        entry(2, "correction_requested", detail={
            "correction_id": "c2", "approvers": ["director", "center_head"]}),
        entry(1, "correction_requested", detail={"correction_id": "c1",
                                                 "approvers": ["manager"]})])

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="", people={"manager": "王经理"})

    assert "更正编号：c1；审批人：部门负责人" in chinese
    assert "审批人：总经理、客户服务中心负责人" in chinese
    assert "Department Head" in english
    assert "Customer Service Centre Head" in english
    for coded in ("manager", "director", "center_head", "王经理"):
        assert coded not in _details(chinese), coded


def test_a_box_of_an_inventory_or_condition_check_reads_in_words() -> None:
    """O4: the box a mark, a resolution or a condition check is about, each part named."""
    filters, _ = asked()
    view = audit_view(filters, [entry(1, "discrepancy_resolved", document_id=None,
                                      archive_no=None, detail={
        "inventory_id": "i-1", "item": 2, "resolution": "已放回",
        "building": "C", "room": "档案室", "cabinet": "C-01", "box": "C-0101"})])

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="", people={})

    assert "楼栋：C；房间：档案室；柜：C-01；盒：C-0101" in _details(chinese)
    assert ('Building: C; Room: <span lang="zh">档案室</span>; Cabinet: C-01; Box: C-0101'
            in _details(english))


def _details(html: str) -> str:
    return " ".join(re.findall(r'class="detail">(.*?)</td>', html, re.S))


def test_every_detail_the_services_record_has_a_name() -> None:
    """Each name a service writes into an audit entry's detail (a literal ``detail={…}``,
    a dict it spreads only sometimes, a ``**detail`` helper's keywords, a refused route's
    path parameters) is in
    ``DETAIL_NAMES``, so no entry shows a coded name."""
    recorded = recorded_detail_names(SERVICES)
    assert len(recorded) > 60
    assert sorted(recorded - DETAIL_NAMES.keys()) == []


SERVICES = Path(__file__).resolve().parents[3] / "services"


def recorded_detail_names(root: Path) -> set[str]:
    trees = [ast.parse(path.read_text(encoding="utf-8"))
             for path in root.rglob("*.py") if "migrations" not in path.parts]
    helpers = {node.name for tree in trees for node in ast.walk(tree)
               if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
               and node.args.kwarg is not None and node.args.kwarg.arg == "detail"}
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            literal = (node.value if isinstance(node, ast.keyword) and node.arg == "detail"
                       else node.value if isinstance(node, ast.AnnAssign | ast.Assign)
                       and _assigns_detail(node) else None)
            # the literal's own keys and those of a dict it spreads (**({…} if … else {}))
            for part in ast.walk(literal) if isinstance(literal, ast.Dict) else ():
                if isinstance(part, ast.Dict):
                    names |= {key.value for key in part.keys
                              if isinstance(key, ast.Constant) and isinstance(key.value, str)}
            if isinstance(node, ast.Call) and _called(node) in helpers:
                names |= {keyword.arg for keyword in node.keywords if keyword.arg}
    routes = "\n".join(path.read_text(encoding="utf-8")
                       for path in (root / "registry").rglob("api.py"))
    # refused_target: a refused route's path parameters, the document apart
    names |= {("user" if name == "username" else name)
              for name in re.findall(r"\{(\w+):(?:str|int)\}", routes)} - {"document_id"}
    return names


def _assigns_detail(node: ast.AnnAssign | ast.Assign) -> bool:
    targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
    return any(isinstance(target, ast.Name) and target.id.endswith("detail")
               for target in targets)


def _called(call: ast.Call) -> str:
    return (call.func.id if isinstance(call.func, ast.Name)
            else call.func.attr if isinstance(call.func, ast.Attribute) else "")


def test_a_refused_attempt_says_why_in_the_words_of_its_action_s_page() -> None:
    """A refusal's reason is its code in the words the action's own page says (the first
    sentence: what to do next is for the person refused), the service's English sentence
    kept beside it for the record (of the person, where that page speaks to them: 您); a
    code no page words shows that sentence alone; a register's item withheld (no sentence
    recorded) is said as the register's page says it."""
    filters, _ = asked()
    view = audit_view(filters, [
        entry(4, "destruction_withheld", outcome="refused", code="on_hold",
              detail={"destruction_id": "x1"}),
        entry(3, "destruction_executed", document_id=None, archive_no=None,
              outcome="refused", code="witnesses_missing",
              detail={"destruction_id": "x1",
                      "reason": "2 more witness(es) must sign before execution (R6)"}),
        entry(2, "loan_approved", document_id=None, archive_no=None, outcome="refused",
              code="own_loan", detail={"loan_id": "l1", "reason": "you may not approve "
                                       "your own loan"}),
        entry(1, "read_text", outcome="refused", code="an_old_code",
              detail={"reason": "refused for a reason of long ago"})])

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="")

    assert ("原因：还需要两位不同的监销人签字才能执行销毁。（系统记录：2 more witness(es) must "
            "sign before execution (R6)）") in _details(chinese)
    assert "请监销人用自己的账号" not in chinese
    # said of the person refused, where the loan's page speaks to them (您)
    assert ("原因：此人不能审批或办理自己的借阅。（系统记录：you may not approve your own "
            "loan）") in _details(chinese)
    assert "原因：refused for a reason of long ago" in _details(chinese)
    assert "销毁清册编号：x1；原因：处于法律保全中，不能销毁" in _details(chinese)
    assert ("Reason: Two different witnesses must sign before the destruction is executed. "
            "(recorded: 2 more witness(es) must sign before execution (R6))") in (
        _details(english))
    assert "Please ask" not in _details(english)
    assert "Reason: refused for a reason of long ago" in _details(english)


def test_every_code_the_services_record_on_a_refusal_has_words() -> None:
    """Each code a service records on a refused entry (read from the services' code:
    ``refused_codes``) is said in words on the audit log page, under an action it is
    recorded for, in both languages: the English sentence is not the reason shown."""
    recorded = refused_codes(SERVICES)
    assert len(recorded) > 40
    filters, _ = asked()
    entries = [entry(seq, action, outcome="refused", code=code,  # as the journal records
                     detail={"reason": f"sentence {code}", "clearance_needed": "secret"})
               for seq, (code, action) in enumerate(sorted(recorded.items()), start=1)]

    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html",
                                         view=audit_view(filters, entries), problem="")

    unworded = [(code, action, language) for code, action in recorded.items()
                for language, html in (("zh", chinese), ("en", english))
                if not re.search(rf"(?:原因：[^<]+?（系统记录|Reason: [^<]+? \(recorded)[:：] ?"
                                 rf"sentence {code}[）)]", _details(html))]
    assert unworded == []


def refused_codes(root: Path) -> dict[str, str]:
    """Each code a refused entry may carry, with an action it is recorded under: the code
    of the error given to the journal's ``refuse``/``refused`` (written there, or in the
    functions that make it, two calls deep; for an error caught, its module's
    ``AUDITED_REFUSALS``), a ``code=`` given there, a refused ``AuditEntry``'s; a refused
    login's codes (the checks' and ``_login_refusal``'s); a register's withheld items
    (``WithheldReason``) and a refused download's findings (``FixityFindingKind``)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"))
             for folder in ("registry", "common") for path in (root / folder).rglob("*.py")
             if "migrations" not in path.parts}
    functions: dict[str, list[ast.AST]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.setdefault(node.name, []).append(node)

    def codes_in(node: ast.AST, depth: int, *, returned: bool = False) -> set[str]:
        """The codes of the errors ``node`` makes, and those its calls make ``depth`` calls
        deep; ``returned``: the codes its calls return too (a ``code=`` worked out)."""
        found: set[str] = set()
        for call in ast.walk(node):
            if not isinstance(call, ast.Call):
                continue
            found |= {keyword.value.value for keyword in call.keywords
                      if keyword.arg == "code" and isinstance(keyword.value, ast.Constant)}
            for function in functions.get(_called(call), []) if depth else []:
                found |= codes_in(function, depth - 1) | ({
                    part.value.value for part in ast.walk(function)
                    if isinstance(part, ast.Return) and isinstance(part.value, ast.Constant)
                    and isinstance(part.value.value, str)} if returned else set())
        return found

    def made(expression: ast.expr, function: ast.AST, *, returned: bool = False
             ) -> set[str]:
        """The codes of the errors ``expression`` makes, or (a name, ``refusal.error()``)
        that the values given its name in ``function`` make."""
        root = expression
        while isinstance(root, ast.Call | ast.Attribute | ast.Await):
            root = root.func if isinstance(root, ast.Call) else root.value
        return codes_in(expression, 2, returned=returned) | {
            code for node in ast.walk(function)
            if isinstance(node, ast.Assign) and isinstance(root, ast.Name) and root.id in {
                name.id for target in node.targets for name in ast.walk(target)
                if isinstance(name, ast.Name)}
            for code in codes_in(node.value, 2)}

    recorded: dict[str, str] = {}
    for path, tree in trees.items():
        audited = re.search(r"AUDITED_REFUSALS = frozenset\(\{(.*?)\}\)",
                            path.read_text(encoding="utf-8"), re.S)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                if _called(call) in ("refuse", "refused") and len(call.args) == 3:
                    action, error = call.args[1], call.args[2]
                    given = next((keyword.value for keyword in call.keywords
                                  if keyword.arg == "code"), None)
                    codes = made(error if given is None else given, function,
                                 returned=given is not None) | {
                        part.value for part in ast.walk(given or error)
                        if given is not None and isinstance(part, ast.Constant)
                        and isinstance(part.value, str) and part.value.isidentifier()}
                    caught = next((node for node in ast.walk(function) if isinstance(node, ast.Try)
                                   and any(call in ast.walk(handler) and handler.name
                                           for handler in node.handlers)), None)
                    if caught is not None:
                        # the error caught: any its try raises, or, where the try only
                        # yields (a block audited), those its module audits
                        codes |= (set(re.findall(r'"(\w+)"', audited.group(1)))
                                  if audited and _only_yields(caught)
                                  else codes_in(ast.Module(body=caught.body, type_ignores=[]), 1))
                elif _called(call) == "AuditEntry" and any(
                        keyword.arg == "outcome" and isinstance(keyword.value, ast.Constant)
                        and keyword.value.value == "refused" for keyword in call.keywords):
                    action = next(keyword.value for keyword in call.keywords
                                  if keyword.arg == "action")
                    codes = {keyword.value.value for keyword in call.keywords
                             if keyword.arg == "code" and isinstance(keyword.value, ast.Constant)}
                else:
                    continue
                for code in codes - {"allowed"}:
                    recorded.setdefault(code, action.value if isinstance(action, ast.Constant)
                                        else "read")
    recorded |= dict.fromkeys(get_args(WithheldReason), "destruction_withheld")
    recorded |= dict.fromkeys(get_args(FixityFindingKind), "download")
    return recorded


def _only_yields(block: ast.Try) -> bool:
    return all(isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Yield)
               for statement in block.body)


@pytest.mark.parametrize(("words", "first"), [
    ("还需要两位监销人签字才能执行销毁。请监销人签字。", "还需要两位监销人签字才能执行销毁。"),
    ("Some are no longer due (moved on, e.g. restarted at a move-out) and are out. Reload.",
     "Some are no longer due (moved on, e.g. restarted at a move-out) and are out."),
    ("没有句号", "没有句号"),
])
def test_the_first_sentence_ends_at_a_full_stop_outside_brackets(words: str, first: str
                                                                   ) -> None:
    assert first_sentence(words) == first


def test_a_scan_attached_to_a_record_corrected_since_names_the_fields_in_words() -> None:
    filters, _ = asked()
    view = audit_view(filters, [entry(1, "original_attached", detail={
        "pages": 2, "corrected_since": ["title", "household"]})])
    chinese, english = in_both_languages(QIAN, "/ui/audit", "audit.html", view=view,
                                         problem="", people={})
    assert "上传后更正的字段：题名、户号；页数：2" in chinese
    assert "Fields corrected since the upload: Title, Household; Pages: 2" in english
