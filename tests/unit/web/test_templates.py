"""The pages draw each kind of thing one way: a table of records through ``table_of`` in
``macros.html``, which gives every table its ARIA roles and screen-reader caption; a role or
a department by its name through one filter each; who may do what decided in Python from
the services' role lists, never by a role named in a template."""

from __future__ import annotations

import re

from services.common.models import ROLES
from services.web.assets import STATIC
from services.web.navigation import layout
from services.web.render import TEMPLATES, Pages

OWN_TABLES = {
    "macros.html": "table_of itself",
    "statistics.html": "a numbers table with a total row (tfoot) and right-aligned counts",
}


def test_every_table_of_records_is_drawn_by_table_of() -> None:
    drawn_by_hand = {
        page.name: len(re.findall(r"<table\b", page.read_text(encoding="utf-8")))
        for page in sorted(TEMPLATES.glob("*.html"))
        if page.name not in OWN_TABLES
    }
    assert {name: count for name, count in drawn_by_hand.items() if count} == {}



def test_no_template_decides_by_the_readers_roles() -> None:
    role_named = re.compile(r"\breader\.roles\b|[\"'](?:" + "|".join(ROLES) + r")[\"']")
    deciding = [page.name for page in sorted(TEMPLATES.glob("*.html"))
                if role_named.search(page.read_text(encoding="utf-8"))]
    assert deciding == []


def test_roles_and_departments_are_named_by_one_filter_each_in_both_languages() -> None:
    pages = Pages()
    named = "{{ _('archivist' | role) }} {{ _('customer_service' | department) }} " \
            "{{ _('auditor' | role) }} {{ _('legal' | department) }}"
    assert pages.environments["zh"].from_string(named).render() == \
        "档案管理员 客服部 auditor legal"
    assert pages.environments["en"].from_string(named).render() == \
        "Archivist Customer service auditor legal"


def test_a_page_says_what_the_move_did_or_why_it_was_refused_and_nothing_for_an_unknown_code(
        ) -> None:
    said = Pages().environments["zh"].from_string(
        '{% from "macros.html" import outcome %}'
        '{% call outcome(refused) %}{% if done == "placed" %}保全已设置。{% endif %}{% endcall %}')
    # Each takes the focus: a live region the page opens with is not read out.
    assert said.render(done="placed", refused="").strip() == \
        '<p class="notice" role="status" tabindex="-1" autofocus>保全已设置。</p>'
    assert said.render(done="", refused="请写明保全的理由。").strip() == \
        '<p class="refusal" role="alert" tabindex="-1" autofocus>请写明保全的理由。</p>'
    assert said.render(done="forged", refused="").strip() == ""


def test_every_field_length_the_forms_allow_is_a_limit_the_contracts_state() -> None:
    written = [f"{page.name}: {found}" for page in sorted(TEMPLATES.glob("*.html"))
               for found in re.findall(r"(?:max|min)length[=(]\"?\d+", page.read_text("utf-8"))]
    assert written == []


def test_every_password_field_is_masked_and_open_to_password_managers() -> None:
    """ASVS 6.2.6 and 6.2.7: each is type=password with the autocomplete token a password
    manager reads, and no page or script of ours stops pasting into it."""
    fields = [(page.name, tag) for page in sorted(TEMPLATES.glob("*.html"))
              for tag in re.findall(r"<input\b[^>]*>", page.read_text(encoding="utf-8"))
              if "password" in tag]
    assert {name for name, _ in fields} == {"account.html", "login.html", "macros.html"}
    unmasked = [(name, tag) for name, tag in fields
                if 'type="password"' not in tag
                or not re.search(r'autocomplete="(?:current|new)-password"', tag)]
    assert unmasked == []
    scripts = [*TEMPLATES.glob("*.html"), *(TEMPLATES.parent / "static").glob("*.js")]
    assert [path.name for path in scripts if "paste" in path.read_text(encoding="utf-8")] == []


def test_every_area_says_the_common_refusals_in_the_same_words() -> None:
    environment = Pages().environments["zh"]
    macros = environment.get_template("macros.html").module

    def said(area: str, code: str) -> str:
        return " ".join(str(getattr(macros, area)(code)).split())

    areas = ("loan_refusal", "retention_refusal", "handover_refusal", "inventory_refusal",
             "household_refusal")
    for code in ("no_documents", "invalid_household", "a_code_nobody_knows"):
        assert {said(area, code) for area in areas} == {said("common_refusal", code)}
    assert said("account_refusal", "too_long") == said("common_refusal", "too_long")
    assert "系统管理员" in said("account_refusal", "a_code_nobody_knows")


def test_a_register_and_a_handover_say_a_refused_signature_in_the_same_words() -> None:
    """Both are signed through ``signature_form`` (``services.web.signing``)."""
    macros = Pages().environments["zh"].get_template("macros.html").module

    def said(area: str, code: str) -> str:
        return " ".join(str(getattr(macros, area)(code)).split())

    assert said("register_refusal", "wrong_password") == said(
        "handover_refusal", "wrong_password") == (
        "密码不正确，签字没有记录。请重新输入您自己的登录密码。")
    assert said("register_refusal", "password_required") == said(
        "handover_refusal", "password_required") == "请输入您的登录密码以签字。"


def test_a_decision_refused_above_clearance_says_how_many_and_who_decides_in_both_languages(
        ) -> None:
    """A loan's step, a hold's release, a handover's signature (``common.clearance``):
    the count and the clearance needed, never which documents."""
    said = {}
    for language in ("zh", "en"):
        macros = Pages().environments[language].get_template("macros.html").module
        said[language] = [" ".join(str(getattr(macros, area)("above_clearance", 2, "机密"))
                                   .split())
                          for area in ("loan_refusal", "retention_refusal", "handover_refusal")]
    assert said["zh"] == [
        "这笔借阅含有 2 份您无权查看的档案，须由具有“机密”密级权限的人审批或办理。"
        "请转交给具有该密级权限的同事；如部门负责人没有这一权限，请系统管理员提高其密级权限。",
        "这项保全含有 2 份您无权查看的档案，须由具有“机密”密级权限的合规专员解除。"
        "请转交给具有该密级权限的同事。",
        "这次移交含有 2 份您无权查看的档案，须由具有“机密”密级权限的人签字。"
        "请系统管理员提高您的密级权限，或重新编制移交清单，由具有该权限的人移交或接收。"]
    assert [sentence.split(";")[0] for sentence in said["en"]] == [
        "This loan includes 2 documents you are not cleared to see",
        "This hold covers 2 documents you are not cleared to see",
        "This handover includes 2 documents you are not cleared to see"]
    assert all("“Confidential” clearance" in sentence for sentence in said["en"])


def test_a_loan_nobody_could_approve_names_the_step_without_an_approver() -> None:
    """B3: the only centre head's own loan of a document with personal information needs
    the 客户服务中心负责人's step, which they may not give to themselves."""
    said = {}
    for language in ("zh", "en"):
        refusal = Pages().environments[language].get_template("macros.html").make_module(
            ).loan_refusal  # type: ignore[attr-defined]  # a macro is an attribute at run time
        said[language] = [" ".join(str(refusal("no_approver", 0, needed, steps)).split())
                          for needed, steps in (("", ["center_head"]),
                                                ("机密", ["center_head"]))]
    assert said["zh"] == [
        "这笔借阅需要客户服务中心负责人审批，但除您本人以外没有人担任这一职务"
        "（您不能审批自己的借阅）：请联系系统管理员给另一位同事加上这一角色，然后再申请。",
        "这笔借阅需要客户服务中心负责人审批，但除您本人以外，担任这一职务的人"
        "都没有这些文件所需的“机密”密级权限（或没有人担任）：请联系系统管理员提高其中一人"
        "的密级权限，或给一位具有该权限的同事加上这一角色，然后再申请。"]
    assert said["en"][0].startswith(
        "This loan needs the approval of the Customer Service Centre Head, but nobody other "
        "than you holds that role")
    assert "“Confidential” clearance" in said["en"][1]


def test_a_loan_two_steps_of_which_nobody_could_approve_names_both_roles_in_the_plural(
        ) -> None:
    """B3: the only department head, also the only centre head, asks for a document with
    personal information: neither step has anyone else to give it."""
    said = {}
    for language in ("zh", "en"):
        refusal = Pages().environments[language].get_template("macros.html").make_module(
            ).loan_refusal  # type: ignore[attr-defined]  # a macro is an attribute at run time
        said[language] = [" ".join(str(refusal("no_approver", 0, needed,
                                                ["manager", "center_head"])).split())
                          for needed in ("", "机密")]
    assert said["zh"] == [
        "这笔借阅需要部门负责人和客户服务中心负责人审批，但这些职务除您本人以外都没有人担任"
        "（您不能审批自己的借阅）：请联系系统管理员把每一个角色加给另一位同事，然后再申请。",
        "这笔借阅需要部门负责人和客户服务中心负责人审批，但除您本人以外，担任这些职务的人"
        "都没有这些文件所需的“机密”密级权限（或没有人担任）：请联系系统管理员为每一个职务"
        "提高一位担任者的密级权限，或给具有该权限的同事加上这些角色，然后再申请。"]
    assert said["en"] == [
        "This loan needs the approval of the Department Head and Customer Service Centre "
        "Head, but nobody other than you holds any of those roles (you cannot approve your "
        "own loan): ask a System Administrator to give each role to another colleague, then "
        "ask again.",
        "This loan needs the approval of the Department Head and Customer Service Centre "
        "Head, but nobody other than you who holds those roles has the “Confidential” "
        "clearance these documents need (or nobody holds them): ask a System Administrator "
        "to raise the clearance of one holder of each role, or to give each role to a "
        "colleague so cleared, then ask again."]


def test_typed_or_read_chinese_is_marked_chinese_on_english_pages_only() -> None:
    pages = Pages()

    def written(language: str, text: str, model: str | None = None) -> str:
        template = pages.environments[language].from_string("{{ text|as_written(model) }}")
        return template.render(text=text, model=model, language=language)

    assert written("en", "卫生间漏水维修申请") == '<span lang="zh">卫生间漏水维修申请</span>'
    assert written("en", "A-1201 漏水", "chi_tra") == '<span lang="zh-Hant">A-1201 漏水</span>'
    assert written("en", "漏水", "eng+chi_sim") == '<span lang="zh-Hans">漏水</span>'
    assert written("en", "Room 1201 <b>", "chi_sim") == "Room 1201 &lt;b&gt;"
    assert written("zh", "卫生间漏水", "chi_sim") == "卫生间漏水"
    assert written("zh", "Notice to residents") == "Notice to residents"
    assert written("zh", "Notice to residents", "eng") == \
        '<span lang="en">Notice to residents</span>'
    assert written("zh", "Notice 通知", "eng") == "Notice 通知"
    assert written("zh", "Room 1201", "chi_sim+eng") == "Room 1201"
    assert written("en", "<script>漏</script>") == \
        '<span lang="zh">&lt;script&gt;漏&lt;/script&gt;</span>'


def _login(reason: str) -> str:
    return Pages().html("zh", "login.html", layout(None, "/ui/login", "token") | {
        "next": "", "reason": reason, "username": "li", "wait_s": None})


def test_a_wrong_password_marks_the_password_and_focuses_it() -> None:
    refused = _login("wrong_password")
    password = re.search(r'<input id="password"[^>]*>', refused).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in password
    assert 'aria-describedby="login-problem"' in password
    assert 'id="login-problem"' in refused
    assert refused.count("autofocus") == 1
    assert "autofocus" in password
    first = _login("")
    assert "aria-invalid" not in first
    assert "autofocus" in re.search(r'<input id="username"[^>]*>', first).group(0)  # type: ignore[union-attr]


def test_every_page_names_its_icon_among_the_static_files() -> None:
    """A page naming none is asked for /favicon.ico by the browser: a 404 on every page."""
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    icon = re.search(r'<link rel="icon" href="{{ static_url\("([\w.]+)"\) }}" '
                     r'type="image/svg\+xml">', base)
    assert icon is not None
    assert (STATIC / icon.group(1)).read_text(encoding="utf-8").startswith("<svg ")
