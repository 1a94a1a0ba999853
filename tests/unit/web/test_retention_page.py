"""Who reads which retention page (R6): every witness reads the register they sign, and
only retention's readers the other pages (and the register page's way to them)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from services.common.auth import Principal
from services.common.contracts.retention import (
    DESTRUCTION_STATUS_NAMES,
    Appraisal,
    Destruction,
    Hold,
    HoldCount,
    RegisterItem,
    RetentionSchedule,
    RetentionYears,
    Sweep,
    SweepItem,
    SweepSummary,
    Tombstone,
)
from services.common.paging import LIST_PAGE
from services.common.retention import WITNESS_ROLES
from services.web.links import sweep_url
from services.web.names import CATEGORY_BY_CODE, CLASS_BY_CODE
from services.web.navigation import layout as page_layout
from services.web.render import Language
from services.web.retention_api import HoldForm
from services.web.retention_page import (
    DECISION_NAMES,
    FIRST_HOLDS_PAGES,
    FOLDED_CHOICES,
    MISSING_NAMES,
    HoldsPages,
    abilities,
    destroyed_lines,
    destruction_page,
    holds_part,
    may_read,
    may_read_register,
    schedule_lines,
    sweep_page,
    sweep_status_name,
    unknown_archive_nos,
)
from tests.unit.web.conftest import shared_pages

REGISTER = Destruction(destruction_id="d1", sweep_id="s1", status="awaiting_witnesses",
                       created_by="qian", created_at=datetime(2030, 7, 29, tzinfo=UTC),
                       witnesses=[], items=[], digest="0" * 64, witnesses_missing=2)


def _person(*roles: str) -> Principal:
    return Principal(username="someone", roles=roles, clearance="secret")


@pytest.mark.parametrize("role", WITNESS_ROLES)
def test_every_witness_reads_the_register_and_may_sign_it(role: str) -> None:
    person = _person(role)
    assert may_read_register(person)
    page = destruction_page(person, REGISTER)
    assert (page.can.witness, page.signed, page.own) == (True, False, False)


def test_a_center_head_reads_the_register_but_no_other_retention_page() -> None:
    center_head = _person("center_head")
    assert not may_read(center_head)
    assert not destruction_page(center_head, REGISTER).retention
    assert destruction_page(_person("compliance"), REGISTER).retention


@pytest.mark.parametrize("roles", [("staff",), ()])
def test_someone_who_may_not_witness_reads_no_register(roles: tuple[str, ...]) -> None:
    assert not may_read_register(_person(*roles))


def test_the_register_page_marks_a_held_item_and_offers_compliance_its_withdrawal() -> None:
    held = RegisterItem(
        position=1, document_id="doc-1", archive_no="2015-WX-A-1201-0001", title="漏水维修记录",
        category="repair", household="A-1201", filed_at=date(2015, 3, 1),
        retention_class="short", disposal_due=date(2025, 3, 1), pages=1, security="internal",
        state="pending", label="待销毁", stopped_by="on_hold")
    free = msgspec.structs.replace(held, position=2, document_id="doc-2", stopped_by=None)
    register = msgspec.structs.replace(REGISTER, status="witnessed", items=[held, free])
    compliance = _person("compliance")
    html = shared_pages().html("zh", "destruction.html", page_layout(
        compliance, "/ui/destructions/d1", "token") | {
        "view": destruction_page(compliance, register), "category_names": CATEGORY_BY_CODE,
        "done": "", "refused": "on_hold", "at": ""})
    assert html.count("处于法律保全中，不能销毁") == 1
    assert "撤回这份清册" in html
    assert "请不选这些文件" not in html
    withdraw = html[html.index('action="/ui/destructions/d1/cancel"'):]
    assert withdraw.index('name="_csrf_token" value="token"') < withdraw.index("撤回清册")
    witness = _person("archivist")
    assert not destruction_page(witness, register).cancellable
    executing = msgspec.structs.replace(register, status="executing")
    assert not destruction_page(compliance, executing).cancellable


def test_the_register_says_which_items_are_shredded_by_their_security_level() -> None:
    """R6: confidential material is shredded; the witnesses check the items as listed."""
    item = RegisterItem(
        position=1, document_id="doc-1", archive_no="1990-payment-A-0302-0001", title="押金收据",
        category="payment", household="A-0302", filed_at=date(1990, 1, 15),
        retention_class="long", disposal_due=date(2020, 1, 15), pages=1,
        security="confidential", state="pending", label="待销毁")
    ordinary = msgspec.structs.replace(item, position=2, document_id="doc-2",
                                       security="ordinary")
    register = msgspec.structs.replace(REGISTER, items=[item, ordinary])
    witness = _person("archivist")
    shown = {language: shared_pages().html(language, "destruction.html", page_layout(
        witness, "/ui/destructions/d1", "token") | {
        "view": destruction_page(witness, register), "category_names": CATEGORY_BY_CODE,
        "done": "", "refused": "", "at": ""}) for language in ("zh", "en")}
    assert re.search(r'data-label="密级">机密（粉碎）</td>', shown["zh"])
    assert re.search(r'data-label="密级">普通</td>', shown["zh"])
    assert "Confidential (shred)" in shown["en"]


def test_an_execution_finished_by_the_time_the_page_shows_says_it_is_done() -> None:
    """A small register is carried out before the redirect lands: its page says it was
    done, not that it has begun, when every item already reads 已销毁."""
    compliance = _person("compliance")

    def after_execute(status: str) -> str:
        register = msgspec.structs.replace(REGISTER, status=status)
        return shared_pages().html("zh", "destruction.html", page_layout(  # type: ignore[arg-type]
            compliance, "/ui/destructions/d1", "token") | {
            "view": destruction_page(compliance, register), "category_names": CATEGORY_BY_CODE,
            "done": "executing", "refused": "", "at": ""})
    assert "销毁已执行完毕" in after_execute("executed")
    assert "销毁已开始" not in after_execute("executed")
    assert "销毁已开始，下面逐项显示进度。" in after_execute("executing")


def test_a_refused_signature_is_said_at_the_signature_form_and_others_at_the_top() -> None:
    """The refusal of a signature (``at=sign``) is where the redirect took the witness; a
    refusal to execute the register stays at the page's top."""
    witness = _person("archivist")

    def html(refused: str, at: str) -> str:
        return shared_pages().html("zh", "destruction.html", page_layout(
            witness, "/ui/destructions/d1", "token") | {
            "view": destruction_page(witness, REGISTER), "category_names": CATEGORY_BY_CODE,
            "done": "", "refused": refused, "at": at})

    signing = html("wrong_password", "sign")
    form = signing[signing.index('id="sign"'):signing.index("</form>", signing.index('id="sign"'))]
    assert signing.count('role="alert"') == 1
    assert '<p class="refusal" role="alert" id="witness-password-refusal">' in form
    assert 'aria-invalid="true" aria-describedby="witness-password-refusal" autofocus>' in form
    executing = html("on_hold", "")
    assert executing.index('role="alert"') < executing.index('id="sign"')


def test_what_an_item_still_needs_names_roles_in_chinese_only() -> None:
    assert [name for name in MISSING_NAMES.values() if re.search(r"[a-z]", name)] == []


def _holds_html(language: str, refused: str, destroyed: object = None,
                unknown: object = None, people: dict[str, str] | None = None,
                done: str = "", released: tuple[list[Hold], int, int] = ([], 0, 1)) -> str:
    """``released``: the released holds of the page shown, how many there are, and which
    page it is."""
    compliance = _person("compliance")
    shown, total, page = released
    return shared_pages().html(language, "holds.html", page_layout(  # type: ignore[arg-type]
        compliance, "/ui/holds", "token") | {
        "active": holds_part([], 0, 1, lambda number: FIRST_HOLDS_PAGES.url(page=number)),
        "released": holds_part(shown, total, page, lambda number: FIRST_HOLDS_PAGES.url(
            released_page=number)), "can": abilities(compliance),
        "categories": CATEGORY_BY_CODE,
        "form": HoldForm(reason="诉讼", documents="1992-decoration-A-1201-0001"),
        "refused": refused, "done": done, "destroyed": destroyed_lines(destroyed),
        "unknown": unknown_archive_nos(unknown), "people": people or {}})


def test_a_hold_refused_for_a_destroyed_document_names_when_and_before_whom() -> None:
    gone = Tombstone(document_id="doc-1", archive_no="1992-decoration-A-1201-0001",
                     destruction_id="d1", sweep_id="s1",
                     destroyed_at=datetime(2030, 7, 29, 1, 30, tzinfo=UTC),
                     witnesses=["wang", "sun"], approved_by="zhao")
    listed = msgspec.to_builtins([gone])  # as the registry's problem carries it
    html = _holds_html("zh", "document_destroyed", listed)
    assert "证据已不存在，这项保全没有设置" in html
    destroyed = html[html.index('class="destroyed"'):]
    said = "1992-decoration-A-1201-0001：2030年7月29日 09:30:00 已销毁，监销人：wang、sun"
    assert said in destroyed  # in the company's time zone
    assert 'href="/ui/destructions/d1"' in destroyed
    english = _holds_html("en", "document_destroyed", listed)
    assert re.search(r"destroyed Jul 29, 2030, 9:30:00\WAM, witnessed by wang, sun", english)


def test_the_witnesses_of_a_destroyed_document_are_named_by_their_full_names() -> None:
    gone = Tombstone(document_id="doc-1", archive_no="1992-decoration-A-1201-0001",
                     destruction_id="d1", sweep_id="s1",
                     destroyed_at=datetime(2030, 7, 29, 1, 30, tzinfo=UTC),
                     witnesses=["wang", "sun"], approved_by="zhao")
    listed = msgspec.to_builtins([gone])
    html = _holds_html("zh", "document_destroyed", listed, people={"wang": "王芳"})
    assert "监销人：王芳（wang）、sun。" in html
    english = _holds_html("en", "document_destroyed", listed, people={"wang": "王芳"})
    assert "witnessed by 王芳 (wang), sun" in english


def test_a_hold_refused_for_unknown_documents_names_them_at_the_field() -> None:
    listed = ["2011-complaint-A-1201-0009"]  # the registry's problem's ``documents``
    html = _holds_html("zh", "unknown_document", unknown=listed)
    assert ('<p class="refusal" role="alert" id="hold-problem">这些档号不存在（或您无权查看）：'
            '2011-complaint-A-1201-0009。') in html
    assert ('<textarea id="hold-documents" name="documents" rows="2" aria-invalid="true" '
            'aria-describedby="hold-problem" autofocus>') in html
    english = _holds_html("en", "unknown_document", unknown=listed)
    assert "2011-complaint-A-1201-0009" in english
    assert "这些档号" not in english


def test_a_refusal_naming_no_documents_says_so_in_general() -> None:
    html = _holds_html("zh", "unknown_document", unknown={"not": "a list"})
    assert "有的档号不存在（或您无权查看），请检查后再试。" in html
    assert 'aria-invalid' not in html


def test_an_empty_hold_is_refused_naming_the_field_as_labelled() -> None:
    html = _holds_html("zh", "hold_scope")
    assert "请填写档号，或者填写户号和/或类别" in html
    assert "档号（每行一个" in html


def test_an_empty_hold_marks_its_scope_fields_and_focuses_the_first() -> None:
    html = _holds_html("zh", "hold_scope")
    fields = [re.search(rf'<(?:textarea|input|select) id="hold-{name}"[^>]*>', html)
              for name in ("documents", "household", "category")]
    assert ['aria-invalid="true" ' in field.group(0) and
            'aria-describedby="hold-problem"' in field.group(0)
            for field in fields if field] == [True] * 3
    assert html.index("autofocus") > html.index('<textarea id="hold-documents"')
    assert html.index("autofocus") < html.index('<input id="hold-household"')
    assert 'aria-invalid' not in _holds_html("zh", "reason_required")


def test_a_withdrawn_register_reads_as_the_button_that_withdrew_it() -> None:
    compliance = _person("compliance")
    withdrawn = msgspec.structs.replace(REGISTER, status="cancelled")
    pages = shared_pages()
    for language, status in (("zh", "已撤回"), ("en", "Withdrawn")):  # 撤回清册
        html = pages.html(language, "destruction.html", page_layout(  # type: ignore[arg-type]
            compliance, "/ui/destructions/d1", "token") | {
            "view": destruction_page(compliance, withdrawn), "category_names": CATEGORY_BY_CODE,
            "done": "", "refused": "", "at": ""})
        assert f'<span class="label">{status}</span>' in html, language


def _approved_sweep(*items: SweepItem) -> Sweep:
    return Sweep(sweep_id="s1", status="approved", as_of=date(2026, 6, 1), categories=None,
                 items=list(items), created_by="qian",
                 created_at=datetime(2026, 6, 1, tzinfo=UTC), decided_by="zhao",
                 decided_at=datetime(2026, 12, 6, tzinfo=UTC),
                 destroy_after=FIRST_DAY)


FIRST_DAY = date(2027, 6, 7)
"""The approved sweep's ``destroy_after``: the first day a register may be drawn up."""


def _sweep_html(sweep: Sweep, *, refused: str = "", at: str = "", language: str = "zh",
                reader: Principal | None = None, today: date = FIRST_DAY) -> str:
    """The sweep page as ``reader`` (the compliance officer unless given) reads it on
    ``today``, after the redirect of a form refused ``refused`` at ``at``."""
    person = reader or _person("compliance")
    return shared_pages().html(language, "sweep.html", page_layout(  # type: ignore[arg-type]
        person, "/ui/sweeps/s1", "token") | {
        "view": sweep_page(person, sweep, today=today, refused=refused, at=at),
        "decisions": ("destroy", "keep", "reappraise"),
        "decision_names": DECISION_NAMES, "done": "", "refused": refused, "at": at})


def _item(document_id: str, **fields: object) -> SweepItem:
    values: dict[str, object] = {
        "document_id": document_id, "archive_no": f"2010-complaint-B-0803-{document_id}",
        "category": "complaint", "disposal_due": date(2020, 5, 5), "state": "waiting",
        "outcome": "destroy"}
    return SweepItem(**{**values, **fields})  # type: ignore[arg-type]


def test_an_item_no_longer_due_says_its_new_date_and_is_not_offered_for_a_register() -> None:
    moved = _item("0001", state="no_longer_due", new_disposal_due=date(2036, 11, 30))
    html = _sweep_html(_approved_sweep(moved, _item("0002")))
    form = html[html.index('action="/ui/sweeps/s1/destruction"'):]
    assert "不再到期：到期日已推后（退租、更正或保管期限表的变更），现在 2036年11月30日 到期，" \
           "不再列入本次销毁" in html
    assert ('value="0001"' in form, 'value="0002"' in form) == (False, True)


def test_an_item_on_an_open_register_links_to_it_and_is_not_offered_again() -> None:
    registered = _item("0001", destruction_id="d1")
    html = _sweep_html(_approved_sweep(registered, _item("0002")))
    form = html[html.index('action="/ui/sweeps/s1/destruction"'):]
    assert '已列入销毁清册 <a href="/ui/destructions/d1">' in html
    assert ('value="0001"' in form, 'value="0002"' in form) == (False, True)


def test_an_item_out_on_loan_or_held_is_marked_and_not_ticked_for_a_register() -> None:
    """A register taking a lent or held document is refused whole (409 ``on_loan``,
    ``on_hold``): the page says which items they are and does not tick them."""
    lent, held = _item("0001", on_loan=True), _item("0002", held=True)
    html = _sweep_html(_approved_sweep(lent, held, _item("0003")))
    form = html[html.index('action="/ui/sweeps/s1/destruction"'):]
    boxes = {box: re.search(rf'<input type="checkbox" name="documents" value="{box}"([^>]*)>',
                            form) for box in ("0001", "0002", "0003")}
    assert {box: found.group(1).strip() if found else None for box, found in boxes.items()} \
        == {"0001": "disabled", "0002": "disabled", "0003": "checked"}
    assert "借出中，归还后才能列入销毁清册" in _article(html, "0001")
    assert "借出中，归还后才能列入销毁清册" not in _article(html, "0003")


def test_with_every_waiting_item_held_or_lent_no_register_is_offered() -> None:
    """A register of nothing would be refused (409): the page says when to come back."""
    html = _sweep_html(_approved_sweep(_item("0001", on_loan=True), _item("0002", held=True)))
    form = html[html.index('action="/ui/sweeps/s1/destruction"'):]
    assert "编制销毁清册</button>" not in form
    assert "保全解除或借阅归还后，再来编制销毁清册" in form
    assert "编制销毁清册</button>" in _sweep_html(_approved_sweep(_item("0003")))


def test_a_sweep_started_says_how_many_documents_due_it_left_out_on_loan() -> None:
    """R2, B4: the start's answer names them (``left_on_loan``); its redirect carries how
    many, and the page says to chase their return rather than forget them."""
    person = _person("compliance")
    sweep = msgspec.structs.replace(_approved_sweep(_item("0001")), status="appraisal",
                                    destroy_after=None)

    def started(language: str, lent: int) -> str:
        return shared_pages().html(language, "sweep.html", page_layout(  # type: ignore[arg-type]
            person, "/ui/sweeps/s1", "token") | {
            "view": sweep_page(person, sweep, today=FIRST_DAY),
            "decisions": ("destroy", "keep", "reappraise"),
            "decision_names": DECISION_NAMES, "done": "started", "refused": "", "at": "",
            "lent": lent})
    assert "另有 2 份到期的文件正在借出，没有列入本次清理" in started("zh", 2)
    assert "2 more documents due are out on loan" in started("en", 2)
    assert "正在借出" not in started("zh", 0)


def test_the_sweep_page_gives_the_day_a_register_may_be_drawn_up_from() -> None:
    """R5: the registry allows it on destroy_after itself (today < destroy_after refuses)."""
    html = _sweep_html(_approved_sweep(_item("0001")))
    assert "可销毁日期：2027年6月7日 起" in html
    assert "之后" not in html
    assert "隔离至" not in html


def test_during_the_wait_apart_the_sweep_page_offers_no_register_and_says_when() -> None:
    """R5: before ``destroy_after`` the registry refuses a register (``not_yet_due``): the
    page shows what will go on it, ticked but not to be changed, and the day to come back,
    instead of a button every press of which is refused for six months."""
    sweep = _approved_sweep(_item("0001"), _item("0002", held=True))
    waiting = _sweep_html(sweep, today=FIRST_DAY - timedelta(days=1))
    form = waiting[waiting.index('action="/ui/sweeps/s1/destruction"'):]
    assert "编制销毁清册</button>" not in form
    assert "现在还不能编制销毁清册：请于 2027年6月7日 起再来本页编制" in form
    assert re.search(r'value="0001" checked disabled>', form)
    english = _sweep_html(sweep, today=FIRST_DAY - timedelta(days=1), language="en")
    assert "come back to this page on" in english
    on_the_day = _sweep_html(sweep, today=FIRST_DAY)
    assert "编制销毁清册</button>" in on_the_day
    assert "现在还不能编制销毁清册" not in on_the_day
    assert re.search(r'value="0001" checked>', on_the_day)


@pytest.mark.parametrize(("code", "said"), [
    ("sweep_not_approved", "请等总经理批准清单后再办理"),
    ("not_awaiting_destruction", "可能已列入另一份销毁清册"),
    ("nothing_to_destroy", "请到各条目所列的销毁清册办理"),
    ("no_longer_due", "已不再到期"),
    ("not_yet_due", "请从本页所示的可销毁日期起再办理"),
])
def test_each_refusal_to_draw_up_a_register_says_what_to_do(code: str, said: str) -> None:
    refusal = _sweep_html(_approved_sweep(_item("0001")), refused=code)
    assert said in refusal[refusal.index('role="alert"'):]


def _open_sweep(*items: SweepItem) -> Sweep:
    return msgspec.structs.replace(_approved_sweep(*items), status="appraisal",
                                   decided_by=None, decided_at=None, destroy_after=None)


def _article(html: str, document_id: str) -> str:
    start = html.index(f'id="item-{document_id}"')
    return html[start:html.index("</article>", start)]


def test_a_refused_appraisal_is_said_in_its_item_with_the_field_pointing_at_it() -> None:
    """The redirect scrolls to the item: the refusal is there, not at the page's top."""
    items = [_item(f"000{n}", state="appraisal", outcome="undecided") for n in range(1, 8)]
    html = _sweep_html(_open_sweep(*items), refused="opinion_required", at="item-0006",
                       reader=_person("manager"))
    refused = _article(html, "0006")
    assert html.count('role="alert"') == 1
    assert '<p class="refusal" role="alert" id="refusal-6">请写下鉴定意见。' in refused
    assert re.search(r'<textarea id="opinion-6" name="opinion" [^>]* aria-invalid="true" '
                     r'aria-describedby="refusal-6" autofocus>', refused)
    assert "autofocus" not in html.replace(refused, "")


def test_a_refusal_about_the_item_itself_takes_the_focus_in_the_item() -> None:
    moved = _item("0002", state="no_longer_due", new_disposal_due=date(2036, 11, 30))
    html = _sweep_html(_open_sweep(_item("0001", state="appraisal"), moved),
                       refused="no_longer_due", at="item-0002", reader=_person("manager"))
    assert ('<p class="refusal" role="alert" id="refusal-2" tabindex="-1" autofocus>'
            in _article(html, "0002"))
    assert html.count('role="alert"') == 1


def test_an_item_no_longer_due_is_not_offered_for_appraisal() -> None:
    """README: an item that left the sweep is neither appraised nor approved."""
    moved = _item("0002", state="no_longer_due", new_disposal_due=date(2036, 11, 30))
    html = _sweep_html(_open_sweep(_item("0001", state="appraisal"), moved),
                       reader=_person("manager"))
    assert "我的鉴定（" in _article(html, "0001")
    assert ("我的鉴定（" in _article(html, "0002"), "提交鉴定" in _article(html, "0002")) == (
        False, False)


def test_the_decisions_read_as_choices_in_english_not_as_what_was_done() -> None:
    appraised = Appraisal(appraiser="someone", roles=["manager"], department=None,
                          decision="destroy",
                          opinion="同意", at=datetime(2026, 6, 2, tzinfo=UTC))
    item = _item("0001", state="appraisal", outcome="destroy", appraisals=[appraised])
    html = _sweep_html(_open_sweep(item), language="en", reader=_person("manager"))
    choices = re.findall(r'<input type="radio" name="decision" value="\w+"[^>]*> ([^<]+)<',
                         html)
    assert choices == ["Destroy", "Keep", "Appraise again next year"]
    assert "appraised as: Destroy; you may change it" in html
    assert "Decision: Destroy" in html
    assert "destroyed" not in _article(html, "0001")


def test_revising_ones_appraisal_keeps_ones_opinion_in_the_form_but_not_anothers() -> None:
    """The form holds the reader's own opinion again with their decision; the other
    appraiser's stays in the table, their own form empty (R2)."""
    mine = Appraisal(appraiser="someone", roles=["manager"], department=None,
                     decision="reappraise", opinion="价值待定，明年再看",
                     at=datetime(2026, 6, 2, tzinfo=UTC))
    item = _item("0001", state="appraisal", outcome="undecided", appraisals=[mine])
    own = _article(_sweep_html(_open_sweep(item), reader=_person("manager")), "0001")
    other = _article(_sweep_html(_open_sweep(item), reader=Principal(
        username="qian", roles=("compliance", "manager"))), "0001")
    assert re.search(r'<textarea id="opinion-1" name="opinion" [^>]*>价值待定，明年再看'
                     r'</textarea>', own)
    assert re.search(r'<textarea id="opinion-1" name="opinion" [^>]*></textarea>', other)
    assert '<td role="cell" data-label="意见" class="opinion">价值待定，明年再看</td>' in other


def test_what_people_wrote_on_a_sweep_and_a_register_is_marked_chinese_in_english() -> None:
    """interface.md: on an English page what people typed in Chinese (titles, reasons,
    opinions, a decision's note) is marked ``lang`` so a screen reader says it in a
    Chinese voice; the sweep and the register showed titles, opinions and the director's
    note unmarked."""
    opinion = Appraisal(appraiser="zhou", roles=["manager"], department="customer_service",
                        decision="destroy", opinion="已过保管期限",
                        at=datetime(2026, 6, 2, tzinfo=UTC))
    sweep = msgspec.structs.replace(
        _approved_sweep(_item("0001", title="门锁维修记录", appraisals=[opinion])),
        note="同意")
    english = _sweep_html(sweep, language="en")
    for written in ("门锁维修记录", "已过保管期限", "同意"):
        assert f'<span lang="zh">{written}</span>' in english, written
    item = RegisterItem(
        position=1, document_id="doc-1", archive_no="2015-repair-A-1201-0001",
        title="漏水维修记录", category="repair", household="A-1201",
        filed_at=date(2015, 3, 1), retention_class="short", disposal_due=date(2025, 3, 1),
        pages=1, security="ordinary", state="pending", label="待销毁")
    compliance = _person("compliance")
    register = shared_pages().html("en", "destruction.html", page_layout(
        compliance, "/ui/destructions/d1", "token") | {
        "view": destruction_page(compliance, msgspec.structs.replace(REGISTER, items=[item])),
        "category_names": CATEGORY_BY_CODE, "done": "", "refused": "", "at": ""})
    assert '<span lang="zh">漏水维修记录</span>' in register


def _many(count: int) -> list[SweepItem]:
    return [_item(f"{n:04d}", state="appraisal", outcome="undecided") for n in range(count)]


def test_a_sweep_of_thousands_of_items_shows_one_page_of_them_with_the_whole_counts() -> None:
    """Ten years' due documents are thousands of items, each with an appraisal form: the
    page shows ``LIST_PAGE`` of them (3 MB of HTML for 1 923 before), counting them all."""
    sweep = _open_sweep(*_many(2 * LIST_PAGE + 5))
    html = _sweep_html(sweep)
    assert html.count('<article class="sweep-item"') == LIST_PAGE
    assert f"{2 * LIST_PAGE + 5} 个条目" in html
    assert f"这一页是第 1–{LIST_PAGE} 个条目" in html
    assert 'href="/ui/sweeps/s1?page=3#items"' in html
    assert f'id="item-{LIST_PAGE:04d}"' not in html

    third = sweep_page(_person("compliance"), sweep, today=FIRST_DAY, page=3)
    assert [line.item.document_id for line in third.shown] == [
        f"{n:04d}" for n in range(2 * LIST_PAGE, 2 * LIST_PAGE + 5)]
    assert third.sweep.undecided == 2 * LIST_PAGE + 5


def test_an_appraisal_or_a_link_to_an_item_opens_the_page_holding_it() -> None:
    """The redirect after an appraisal (``at=item-…``) and a document's link to its item
    (``?item=``) land where the item is, not on the first page."""
    sweep = _open_sweep(*_many(2 * LIST_PAGE + 5))
    person = _person("compliance")
    on = FIRST_DAY
    assert sweep_page(person, sweep, today=on, at=f"item-{LIST_PAGE + 1:04d}").page == 2
    assert sweep_page(person, sweep, today=on, item=f"{2 * LIST_PAGE + 4:04d}").page == 3
    assert sweep_page(person, sweep, today=FIRST_DAY, item="unknown").page == 1
    assert sweep_page(person, sweep, today=FIRST_DAY, page=99).page == 3
    assert sweep_url("s1", at="0201") == "/ui/sweeps/s1?item=0201#item-0201"


def test_a_register_of_many_documents_is_offered_folded_all_ticked() -> None:
    """R6: a sweep of ten years approves thousands; the form says how many it takes and
    folds the boxes away (each still ticked and sent), so the button is not pages down."""
    many = [_item(f"{n:04d}") for n in range(FOLDED_CHOICES + 5)]
    held = _item("9999", held=True)
    html = _sweep_html(_approved_sweep(*many, held))
    form = html[html.index('action="/ui/sweeps/s1/destruction"'):]
    summary = (f"共 {FOLDED_CHOICES + 6} 件，可列入的 {FOLDED_CHOICES + 5} 件已全部选中；"
               "展开可逐件取消")
    assert f"<details><summary>{summary}</summary>" in form
    assert form.count(" checked>") == FOLDED_CHOICES + 5
    assert form.index("</details>") < form.index("编制销毁清册</button>")
    few = _sweep_html(_approved_sweep(_item("0001")))
    assert "<details><summary>共" not in few[few.index('action="/ui/sweeps/s1/destruction"'):]


def _retention_list(language: Language, reader: Principal, sweeps: list[SweepSummary]
                    ) -> str:
    """The 保管与销毁 page listing ``sweeps``, as ``reader`` reads it."""
    schedule = RetentionSchedule(classes={"repair": "short"},
                                 years=RetentionYears(long=30, short=10), updated_at=None,
                                 updated_by=None)
    return shared_pages().html(language, "retention.html", page_layout(
        reader, "/ui/retention", "token") | {
        "schedule": schedule, "lines": schedule_lines(schedule), "classes": CLASS_BY_CODE,
        "sweeps": sweeps, "category_names": CATEGORY_BY_CODE,
        "sweep_status_name": sweep_status_name,
        "destruction_status_names": DESTRUCTION_STATUS_NAMES, "destructions": [],
        "dry_run": None, "can": abilities(reader), "refused": "", "done": "",
        "at": ""})


def test_the_list_of_sweeps_says_how_many_items_an_approved_one_has_still_to_destroy() -> None:
    """An approved sweep's work left (items held, lent or not yet destroyed) is said and
    linked to the sweep's register form; one with nothing left reads 已批准 alone."""
    started = datetime(2030, 1, 10, 1, tzinfo=UTC)
    sweeps = [SweepSummary(sweep_id=sweep_id, status="approved", as_of=date(2030, 1, 10),
                           created_by="qian", created_at=started, items=11, waiting=waiting,
                           destroy_after=date(2030, 7, 13))
              for sweep_id, waiting in (("s1", 3), ("s0", 0))]
    compliance = _person("compliance")
    chinese = _retention_list("zh", compliance, sweeps)
    assert '已批准 · <a href="/ui/sweeps/s1#destroy">3 件待销毁</a>' in chinese
    assert chinese.count("件待销毁") == 1
    assert "3 to destroy" in _retention_list("en", compliance, sweeps)


def test_a_sweep_whose_appraisal_is_complete_reads_as_awaiting_the_directors_approval(
        ) -> None:
    """Under appraisal with every item decided, a sweep waits for the director, as its own
    page's items say."""
    sweeps = [SweepSummary(sweep_id=sweep_id, status="appraisal", as_of=date(2030, 1, 10),
                           created_by="qian", created_at=datetime(2030, 1, 10, 1, tzinfo=UTC),
                           items=11, undecided=undecided)
              for sweep_id, undecided in (("s1", 0), ("s0", 4))]
    director = _person("director")
    chinese, english = (_retention_list("zh", director, sweeps),
                        _retention_list("en", director, sweeps))
    assert chinese.count("鉴定完成，待总经理审批") == 1
    assert chinese.count("鉴定中") == 1
    assert "Appraised, awaiting the Director" in english


def test_a_sweep_whose_appraisal_is_complete_says_so_on_its_own_page_as_in_the_list(
        ) -> None:
    """Its status line and title read as the list of sweeps reads it (one rule,
    ``sweep_status_name``); one with an item undecided is still 鉴定中."""
    decided = _open_sweep(_item("0001", state="appraisal", outcome="destroy"),
                          _item("0002", state="appraisal", outcome="keep"))
    undecided = _open_sweep(_item("0001", state="appraisal", outcome="destroy"),
                            _item("0002", state="appraisal", outcome="undecided"))
    director = _person("director")
    complete = _sweep_html(decided, reader=director)
    heading = complete[complete.index("<h1>"):complete.index("</h1>")]
    assert "鉴定完成，待总经理审批" in heading
    assert "<title>2026年6月1日 清理清单（2 份） · 鉴定完成，待总经理审批" in complete
    assert "Appraised, awaiting the Director" in _sweep_html(decided, reader=director,
                                                            language="en")
    still = _sweep_html(undecided, reader=director)
    assert "鉴定中" in still[still.index("<h1>"):still.index("</h1>")]


def test_the_director_sends_a_list_back_only_with_a_reason_the_form_marks_required() -> None:
    """As a loan is turned down only with a reason (the same code, ``reason_required``):
    the form says it is required and who reads it, and a refusal says what to do."""
    decided = _open_sweep(_item("0001", state="appraisal", outcome="destroy"))
    director = _person("director")
    html = _sweep_html(decided, reader=director)
    form = html[html.index('action="/ui/sweeps/s1/reject"'):]
    form = form[:form.index("</form>")]
    assert "退回理由（必填，合规专员和鉴定人会看到）" in form
    assert re.search(r'<textarea id="reject-note" name="note"[^>]* required>', form)
    refused = _sweep_html(decided, reader=director, refused="reason_required")
    assert "退回清单时请写明理由：合规专员和鉴定人会在本页看到它" in refused
    alert = refused[refused.index('<p class="refusal" role="alert"'):]
    assert "保全" not in alert[:alert.index("</p>")]
    english = _sweep_html(decided, reader=director, refused="reason_required", language="en")
    assert "Say why you send the list back" in english
    assert "(required; the Compliance Officer and the appraisers will read it)" in english


def test_a_released_hold_says_its_approved_documents_may_go_on_a_register_now() -> None:
    """A document approved for destruction while held waits on its sweep (R5, R7): once
    released it goes on a register from that sweep's page now, not at a later sweep."""
    chinese, english = (_holds_html(language, "", done="released") for language in ("zh", "en"))
    assert "现在就可以在所属清理清单的页面（保管与销毁）编入销毁清册" in chinese
    assert "may now go on a destruction register from their sweep's page" in english


def _active_hold(number: int) -> Hold:
    return Hold(hold_id=f"h{number}", reason=f"保全{number}", placed_by="qian",
                placed_at=datetime(2030, 7, 29, tzinfo=UTC), status="active",
                documents=[], household=f"E-{number:04d}", category=None)


def test_every_active_hold_is_on_a_page_and_a_hold_asked_for_opens_its_own() -> None:
    """R7: none hides behind newer ones; the household page's link opens its page, found
    from how many the registry lists before it; one past the last page shows the last."""
    counted = HoldCount(count=2 * LIST_PAGE + 1)
    none_released = HoldCount(count=0)
    asked = HoldsPages(hold="h", page=3).within(
        HoldCount(count=counted.count, before=LIST_PAGE), none_released)
    gone = HoldsPages(hold="h", page=2).within(counted, none_released)
    past_the_last = HoldsPages(page=9).within(counted, none_released)
    first = holds_part([_active_hold(number) for number in range(LIST_PAGE)], counted.count,
                       1, lambda number: FIRST_HOLDS_PAGES.url(page=number))
    assert (asked.page, gone.page, past_the_last.page) == (2, 2, 3)
    assert (first.total, first.last, first.pager.next_page) == (
        counted.count, LIST_PAGE, "/ui/holds?page=2#list")


def test_released_holds_are_counted_and_paged_as_the_active_ones_are() -> None:
    """Their total is said, one past the last page shows the last, and the pager leads to
    each page of them (``?released_page=``)."""
    total = LIST_PAGE + LIST_PAGE // 2
    pages = HoldsPages(released_page=9).within(HoldCount(count=0), HoldCount(count=total))
    released = [msgspec.structs.replace(_active_hold(number), status="released",
                                        released_by="qian", released_at=_active_hold(
                                            number).placed_at, release_note="结案")
                for number in range(total - LIST_PAGE)]
    chinese, english = (_holds_html(language, "", released=(released, total,
                                                               pages.released_page))
                        for language in ("zh", "en"))
    said = chinese[chinese.index('id="released"'):]
    assert pages.released_page == 2
    assert f"共 {total} 项已解除的保全 · 这一页是第 {LIST_PAGE + 1} 至 {total} 项" in said
    assert 'href="/ui/holds#released" rel="prev"' in said
    assert f"{total} released holds in all · this page shows {LIST_PAGE + 1} to {total}" in (
        english)


def test_a_sweep_is_named_by_its_day_and_how_many_documents_it_lists() -> None:
    """In its title, breadcrumb and heading alike, as a loan is named by what it lends:
    a day alone (保管与销毁 › 2026年6月1日) said nothing of what the page holds."""
    sweep = _approved_sweep(_item("0001"), _item("0002"), _item("0003"))
    chinese, english = (_sweep_html(sweep, language=language) for language in ("zh", "en"))
    start = chinese.index('<nav class="crumbs"')
    crumbs = chinese[start:chinese.index("</nav>", start)]
    heading = chinese[chinese.index("<h1>"):chinese.index("</h1>")]
    assert "保管与销毁</a> › 2026年6月1日 清理清单（3 份）" in crumbs
    assert "2026年6月1日 清理清单（3 份）" in heading
    assert "<title>2026年6月1日 清理清单（3 份） · " in chinese
    assert "Sweep of " in english[english.index("<h1>"):english.index("</h1>")]
    assert "(3 documents)" in english[english.index("<title>"):english.index("</title>")]
    assert "(1 document)" in _sweep_html(_approved_sweep(_item("0001")), language="en")
