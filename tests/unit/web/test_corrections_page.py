"""The corrections page (更正审批, services.web.corrections_page): each field's value now
and the one asked for, said as the record says them; a decision offered only to an
approver the registry names who did not ask; empty lists and a refused role say what
happens next; Chinese first, English from the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.auth import Principal
from services.common.contracts.corrections import (
    Correction,
    CorrectionDocument,
    awaits_decision,
)
from services.common.paging import LIST_PAGE
from services.web.corrections_page import (
    CorrectionsPage,
    Counted,
    confirming,
    corrections_page,
    list_pages,
    outcome_of,
)
from services.web.navigation import layout as page_layout
from services.web.pager import rows_before
from tests.unit.web.conftest import LI, WANG, ZHAO, ZHOU, shared_pages


def _lowering(**fields: object) -> Correction:
    """wang asks to lower a confidential letter to ordinary and move its box (D10)."""
    values: dict[str, object] = {
        "correction_id": "c1", "document_id": "d1", "base_version": 1,
        "changes": {"security": "ordinary", "personal_info": False,
                    "location": {"building": "A", "room": "档案室", "cabinet": "12",
                                 "box": "4"}, "filed_at": "2024-03-02"},
        "reason": "经核对不涉密", "requested_by": "wang",
        "requested_at": datetime(2024, 3, 5, 2, 0, tzinfo=UTC), "status": "pending",
        "document": CorrectionDocument(
            archive_no="2024-correspondence-A-1201-0001", title="关于停车位的申请函",
            version=1, current={"security": "confidential", "personal_info": True,
                                "location": None, "filed_at": "2024-03-01"}),
        "approvers": ["director", "center_head"]}
    return Correction(**(values | fields))  # type: ignore[arg-type]


def _read(corrections: list[Correction], page: int) -> Counted:
    """What the registry answers for ``page`` of a list of ``corrections``: that page,
    and the count of them all."""
    return Counted(corrections[rows_before(page):rows_before(page) + LIST_PAGE], len(corrections))


def _view(reader: Principal, waiting: list[Correction], *,
          mine: list[Correction] | None = None, page: int | None = None,
          mine_page: int | None = None) -> CorrectionsPage:
    pages = list_pages(page=page, mine_page=mine_page).within(
        waiting=len(waiting), mine=len(mine or []))
    return corrections_page(
        reader, waiting=_read(waiting, pages.page),
        mine=None if mine is None else _read(mine, pages.mine_page),
        to_decide=sum(awaits_decision(reader, correction) for correction in waiting),
        pages=pages)


def _shown(reader: Principal, waiting: list[Correction], *, mine: list[Correction] | None = None,
           language: str = "zh", confirm: str = "", page: int | None = None,
           mine_page: int | None = None) -> str:
    view = _view(reader, waiting, mine=mine, page=page, mine_page=mine_page)
    if confirm:
        confirmed = confirming(view, "c1", "approve", "")
        assert confirmed is not None
        view = confirmed
    return shared_pages().html(language, "corrections.html",  # type: ignore[arg-type]
                               page_layout(reader, "/ui/corrections", "token")
                               | {"view": view, "done": "", "refused": ""})


def test_each_field_shows_its_value_now_and_the_one_asked_for() -> None:
    shown = _shown(ZHAO, [_lowering()])
    assert '<a href="/ui/documents/d1">2024-correspondence-A-1201-0001</a> 关于停车位的申请函' \
        in shown
    assert "wang 于 2024年3月5日 10:00:00 提出" in shown
    assert "密级</span>：<del>机密</del>" in shown
    assert "<ins>普通</ins>" in shown
    assert "含业主个人信息</span>：<del>是</del>" in shown
    assert "<ins>否</ins>" in shown
    assert "<del>（未登记）</del>" in shown
    assert "<ins>A栋 档案室 12柜 4盒</ins>" in shown
    assert "<del>2024年3月1日</del>" in shown
    assert "理由：经核对不涉密" in shown
    assert '<span class="visually-hidden">改为</span>' in shown


def test_only_an_approver_the_registry_names_who_did_not_ask_is_offered_a_decision() -> None:
    director = _shown(ZHAO, [_lowering()])
    manager = _shown(ZHOU, [_lowering()])
    own = _shown(Principal(username="wang", roles=("archivist", "director"),
                           department="archive"), [_lowering()])
    assert 'value="approve"' in director
    assert "待您审批" in director
    assert 'value="approve"' not in manager
    assert "待总经理或客户服务中心负责人审批" in manager
    assert 'value="approve"' not in own
    assert "您提出的，须由他人审批" in own


def test_a_correction_of_a_document_changed_since_is_offered_only_a_rejection() -> None:
    stale = _lowering(document=CorrectionDocument(
        archive_no="2024-correspondence-A-1201-0001", title="关于停车位的申请函", version=2,
        current={"security": "confidential"}))
    shown = _shown(ZHAO, [stale])
    assert 'value="approve"' not in shown
    assert 'value="reject"' in shown
    assert "现在是第 2 版" in shown


def test_confirming_says_what_approving_will_do_and_sends_it_again() -> None:
    shown = _shown(ZHAO, [_lowering()], confirm="approve")
    assert "确认批准：2024-correspondence-A-1201-0001" in shown
    assert 'id="confirm" tabindex="-1" autofocus' in shown
    assert '<input type="hidden" name="confirm" value="1">' in shown
    assert "wang 会收到通知" in shown


def test_an_empty_queue_says_what_happens_next_to_approver_and_proposer() -> None:
    assert "现在没有等待审批的更正。档案管理员提出的更正中" in _shown(ZHAO, [])
    archivist = _shown(WANG, [], mine=[])
    assert "您提出的更正如须批准，会列在这里" in archivist
    assert "您还没有提出过更正。在文件页面的“更正著录”中提出。" in archivist


def test_the_proposer_sees_where_their_corrections_stand() -> None:
    rejected = _lowering(status="rejected", decided_by="zhao",
                         decided_at=datetime(2024, 3, 6, 2, 0, tzinfo=UTC),
                         note="原件上有业主身份证号", approvers=[])
    shown = _shown(WANG, [], mine=[rejected, _lowering()])
    assert "已驳回 · zhao 于 2024年3月6日 10:00:00：原件上有业主身份证号" in shown
    assert "待审批 · 待总经理或客户服务中心负责人审批" in shown


def test_a_decided_correction_shows_the_values_it_replaced_not_the_record_now() -> None:
    applied = _lowering(status="applied", decided_by="zhao", approvers=[],
                        changes={"title": "关于地下车位的申请函", "security": "ordinary"},
                        before={"title": "关于停车位的申请函", "security": "confidential"},
                        document=CorrectionDocument(
                            archive_no="2024-correspondence-A-1201-0001",
                            title="关于地下车位的申请函", version=2,
                            current={"title": "关于地下车位的申请函", "security": "ordinary"}))
    shown = _shown(WANG, [], mine=[applied])
    assert "题名</span>：<del>关于停车位的申请函</del>" in shown
    assert "密级</span>：<del>机密</del>" in shown
    assert "<del>关于地下车位的申请函</del>" not in shown
    assert "<del>普通</del>" not in shown


def test_someone_who_neither_proposes_nor_decides_is_told_whom_to_ask() -> None:
    shown = shared_pages().html("zh", "corrections.html",
                                page_layout(LI, "/ui/corrections", "token")
                                | {"view": None, "done": "", "refused": ""})
    assert "您的角色不提出也不审批更正" in shown
    assert "请告诉档案管理员" in shown


def test_the_page_reads_in_english() -> None:
    shown = _shown(ZHAO, [_lowering()], language="en")
    assert "Corrections waiting for approval" in shown
    assert "<del>Confidential</del>" in shown
    assert "Reason: 经核对不涉密" in shown


def _queue(size: int) -> list[Correction]:
    return [_lowering(correction_id=f"c{number}") for number in range(1, size + 1)]


def test_a_long_queue_is_shown_a_page_at_a_time_with_its_counts_and_the_next_page() -> None:
    first = _shown(ZHAO, _queue(LIST_PAGE + 1))
    second = _shown(ZHAO, _queue(LIST_PAGE + 1), page=2)
    assert first.count('class="correction"') == LIST_PAGE
    assert f'id="correction-c{LIST_PAGE}"' in first
    assert f'id="correction-c{LIST_PAGE + 1}"' not in first
    assert f"共 {LIST_PAGE + 1} 项 · 这一页是第 1 至 {LIST_PAGE} 项" in first
    assert f"其中 {LIST_PAGE + 1} 项由您审批" in first
    assert '<nav class="pager" aria-label="待审批的更正分页">' in first
    assert '<a href="/ui/corrections?page=2#waiting" rel="next">下一页</a>' in first
    assert second.count('class="correction"') == 1
    assert f'id="correction-c{LIST_PAGE + 1}"' in second
    assert f"这一页是第 {LIST_PAGE + 1} 至 {LIST_PAGE + 1} 项" in second
    assert '<a href="/ui/corrections#waiting" rel="prev">上一页</a>' in second


def test_a_page_past_the_last_shows_the_last_and_a_short_queue_has_no_pager() -> None:
    past = _shown(ZHAO, _queue(LIST_PAGE + 1), page=9)
    short = _shown(ZHAO, _queue(2))
    assert past.count('class="correction"') == 1
    assert 'class="pager"' not in short
    assert "这一页是" not in short


def test_the_proposers_own_corrections_are_paged_apart_from_the_queue() -> None:
    own = [_lowering(correction_id=f"m{number}") for number in range(LIST_PAGE + 3)]
    second = _shown(WANG, _queue(LIST_PAGE + 1), mine=own, page=2, mine_page=2)
    assert '<nav class="pager" aria-label="我提出的更正分页">' in second
    assert f"共 {LIST_PAGE + 3} 项 · 这一页是第 {LIST_PAGE + 1} 至 {LIST_PAGE + 3} 项" in second
    assert '<a href="/ui/corrections?page=2#mine" rel="prev">上一页</a>' in second
    assert '<a href="/ui/corrections?mine_page=2#waiting" rel="prev">上一页</a>' in second


def test_cancelling_a_confirmation_returns_to_the_pages_shown() -> None:
    view = _view(ZHAO, _queue(LIST_PAGE + 1), page=2)
    confirmed = confirming(view, f"c{LIST_PAGE + 1}", "approve", "")
    assert confirmed is not None
    assert confirmed.confirmation is not None
    assert confirmed.confirmation.back == f"/ui/corrections?page=2#correction-c{LIST_PAGE + 1}"


def test_a_correction_is_confirmed_only_on_the_page_it_was_shown_on() -> None:
    assert confirming(_view(ZHAO, _queue(LIST_PAGE + 1), page=2), "c1", "approve", "") is None


def test_the_decide_and_withdraw_forms_send_the_pages_shown() -> None:
    own = [_lowering(correction_id=f"m{number}", requested_by="sun")
           for number in range(LIST_PAGE + 3)]
    shown = _shown(Principal(username="sun", roles=("archivist", "director"),
                             department="archive"),
                   _queue(LIST_PAGE + 1), mine=own, page=2, mine_page=2)
    kept = ('<input type="hidden" name="page" value="2">'
            '<input type="hidden" name="mine_page" value="2">')
    assert shown.count(kept) == 1 + 3  # the one decision shown, the three withdrawals


def test_an_approval_refused_for_a_register_that_lists_the_document_says_what_to_do() -> None:
    """R6, D11: the document entered a destruction register after the correction was
    asked for; the approver rejects it, or withdraws the register first."""
    view = _view(ZHOU, [_lowering()])
    for language, said in (("zh", "已列入一份尚未执行的销毁清册"),
                           ("en", "listed on a destruction register not yet executed")):
        shown = shared_pages().html(language, "corrections.html",  # type: ignore[arg-type]
                                    page_layout(ZHOU, "/ui/corrections", "token")
                                    | {"view": view, "done": "",
                                "refused": "in_destruction_register"})
        assert said in shown


def test_a_decision_names_the_proposer_told_as_the_pages_name_people() -> None:
    """``王芳（wang）`` where the account has a full name, as the confirmation named them."""
    for decision, said in (("approve", "王芳（wang） 会在通知中看到（“借阅”页）"),
                           ("reject", "王芳（wang） 会在通知中看到您的理由")):
        view = corrections_page(ZHOU, waiting=Counted([], 0), mine=None, to_decide=0,
                                pages=list_pages(page=None, mine_page=None).within(
                                    waiting=0, mine=0),
                                outcome=outcome_of({"done": decision, "doc": "d1",
                                                    "no": "2026-repair-B-0503-0001", "v": "2",
                                                    "by": "wang"}))
        page = shared_pages().html("zh", "corrections.html",
                                   page_layout(ZHOU, "/ui/corrections", "token")
                                   | {"view": view, "done": "", "refused": "",
                                      "people": {"wang": "王芳"}})
        assert said in page
