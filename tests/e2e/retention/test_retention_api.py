"""Retention over HTTP on embedded defaults: who may do what, the 409s that protect a
document, holds, and ``archive sweep``."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from services.cli import main
from services.common.clock import FixedClock
from services.common.paging import LIST_PAGE
from services.web.links import hold_url
from tests.e2e.retention.support import START, Archive
from tests.fixtures.app import PASSWORD, StartServer, launch_archive_server
from tests.support.pages import signed_in
from tests.support.registry import household_holds, insert_holds


@pytest.fixture
def archive(start_archive_server: StartServer) -> Archive:
    clock = FixedClock(START)
    return Archive.open(start_archive_server(clock=clock), clock)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """One server for the tests whose answers no other test's documents, sweeps or holds
    change and that never move its clock: each holds households of its own, and reads
    only its own from a listing."""
    clock = FixedClock(START)
    server = launch_archive_server(tmp_path_factory.mktemp("retention-api"), clock=clock)
    try:
        yield Archive.open(server, clock)
    finally:
        server.server.stop()


def _post(archive: Archive, username: str, path: str, body: Any = None) -> Any:
    with archive.as_(username) as client:
        return client.post(path, json=body) if body is not None else client.post(path)


def test_staff_cannot_start_a_sweep(shared: Archive) -> None:
    response = _post(shared, "li", "/registry/sweeps", {})
    assert (response.status_code, response.json()["code"]) == (403, "role_required")


def test_a_dry_run_answers_200_and_records_nothing(archive: Archive) -> None:
    document = archive.file()
    response = _post(archive, "qian", "/registry/sweeps", {"dry_run": True})
    with archive.as_("qian") as client:
        recorded = client.get("/registry/sweeps").json()
    body = response.json()
    assert (response.status_code, body["sweep_id"], body["status"]) == (200, None, "dry_run")
    assert [i["document_id"] for i in body["items"]] == [document["document_id"]]
    assert recorded == []


def test_a_sweep_answers_201_with_its_items(archive: Archive) -> None:
    document = archive.file()
    response = _post(archive, "wang", "/registry/sweeps", {"categories": ["repair"]})
    body = response.json()
    assert (response.status_code, body["status"]) == (201, "appraisal")
    assert [(i["document_id"], i["archive_no"], i["category"], i["disposal_due"])
            for i in body["items"]] == [(document["document_id"], document["archive_no"],
                                         "repair", document["disposal_due"])]


def test_only_the_director_approves_a_sweep(shared: Archive) -> None:
    archive = shared
    archive.file()
    sweep = archive.sweep()
    refused = _post(archive, "zhou", f"/registry/sweeps/{sweep['sweep_id']}/approve")
    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")


def test_approval_of_an_undecided_list_answers_409(shared: Archive) -> None:
    archive = shared
    archive.file()
    sweep = archive.sweep()
    response = _post(archive, "zhao", f"/registry/sweeps/{sweep['sweep_id']}/approve")
    assert (response.status_code, response.json()["code"]) == (409, "appraisal_incomplete")


def test_a_sweep_is_sent_back_only_with_a_reason_as_a_loan_is_turned_down(
        shared: Archive) -> None:
    """The body is checked before the sweep is looked for: without ``note`` (or with an
    empty one) the answer is the loan's without ``reason``; with one, the sweep is
    looked for. The page refuses an empty reason before asking the registry."""
    refused = {path: [_post(shared, "zhao", path, body) for body in ({}, {field: ""})]
               for path, field in (("/registry/sweeps/no-such-sweep/reject", "note"),
                                   ("/registry/loans/no-such-loan/reject", "reason"))}
    said = {path: [(answer.status_code, answer.json()["code"]) for answer in answers]
            for path, answers in refused.items()}
    assert said["/registry/sweeps/no-such-sweep/reject"] == said[
        "/registry/loans/no-such-loan/reject"] == [(400, "invalid_request")] * 2
    with_reason = _post(shared, "zhao", "/registry/sweeps/no-such-sweep/reject",
                        {"note": "清单不全，重新登记"})
    assert (with_reason.status_code, with_reason.json()["code"]) == (404, "unknown_sweep")
    with closing(signed_in(shared.server.url, "zhao")) as browser:
        csrf = re.search(r'name="csrf-token" content="([^"]+)"',
                         browser.get("/ui/retention").text)
        assert csrf is not None
        sent = browser.post("/ui/sweeps/no-such-sweep/reject",
                            data={"_csrf_token": csrf.group(1), "note": "  "})
    assert (sent.status_code, sent.headers["location"]) == (
        303, "/ui/sweeps/no-such-sweep?refused=reason_required")


@pytest.mark.parametrize("blank", ["  ", "\u3000", "\u200b", " \u200b\ufeff "],
                         ids=["spaces", "full-width", "zero-width", "mixed"])
def test_a_reason_with_nothing_visible_is_refused_as_an_empty_one(
        shared: Archive, blank: str) -> None:
    """A script that sends a reason of spaces or zero-width characters records no loan
    turned down, sweep sent back, hold or correction "for" nothing: 400
    ``invalid_request`` naming the field, before anything is looked for, as an empty one;
    the pages read it as blank by the same rule."""
    asked = [("zhao", "/registry/loans/no-such-loan/reject", {"reason": blank}, "reason"),
             ("zhao", "/registry/sweeps/no-such-sweep/reject", {"note": blank}, "note"),
             ("qian", "/registry/holds", {"reason": blank, "household": "A-1299"}, "reason"),
             ("wang", "/registry/documents/no-such-document/corrections",
              {"changes": {}, "reason": blank}, "reason"),
             ("wang", "/registry/documents/no-such-document/corrections",
              {"changes": {"title": blank}, "reason": "题名录错"}, "title")]
    answers = [_post(shared, who, path, body) for who, path, body, _ in asked]
    assert [(answer.status_code, answer.json()["code"],
             field in answer.json()["errors"][0]["key"],
             "visible" in answer.json()["detail"]) for answer, (*_, field)
            in zip(answers, asked, strict=True)] == [(400, "invalid_request", True, True)] * 5
    with closing(signed_in(shared.server.url, "zhao")) as browser:
        csrf = re.search(r'name="csrf-token" content="([^"]+)"',
                         browser.get("/ui/retention").text)
        assert csrf is not None
        sent = browser.post("/ui/sweeps/no-such-sweep/reject",
                            data={"_csrf_token": csrf.group(1), "note": blank})
    assert sent.headers["location"] == "/ui/sweeps/no-such-sweep?refused=reason_required"


def test_the_director_is_told_when_a_sweeps_appraisal_is_complete(archive: Archive) -> None:
    """Beside 保管与销毁 in the director's header, and on its list of sweeps."""
    document = archive.file()
    sweep = archive.sweep()

    def seen() -> tuple[str, str]:
        with closing(signed_in(archive.server.url, "zhao")) as browser:
            return browser.get("/ui/badges").text, browser.get("/ui/retention").text

    counts, listing = seen()
    assert '<span id="retention-badge" hx-swap-oob="innerHTML"></span>' in counts
    assert "鉴定中" in listing
    assert "待总经理审批" not in listing
    for appraiser in ("zhou", "qian"):
        response = _post(archive, appraiser, f"/registry/sweeps/{sweep['sweep_id']}/appraisals",
                         {"document_id": document["document_id"], "decision": "destroy",
                          "opinion": "经鉴定，同意"})
        assert response.status_code == 200, response.text
    counts, listing = seen()
    assert "（1 份清理清单待您审批）" in counts
    assert "鉴定完成，待总经理审批" in listing
    with closing(signed_in(archive.server.url, "qian")) as browser:
        assert "retention-badge" not in browser.get("/ui/badges").text
    with archive.as_("zhao") as client:
        assert client.get("/registry/sweeps/awaiting-count").json() == {"awaiting": 1}
    with archive.as_("qian") as client:
        refused = client.get("/registry/sweeps/awaiting-count")
    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")


def test_a_register_before_destroy_after_answers_409_not_yet_due(archive: Archive) -> None:
    sweep = archive.approved([archive.file()])
    response = _post(archive, "qian", "/registry/destructions",
                     {"sweep_id": sweep["sweep_id"]})
    assert (response.status_code, response.json()["code"]) == (409, "not_yet_due")


def test_execution_with_one_witness_answers_409_witnesses_missing(archive: Archive) -> None:
    sweep = archive.approved([archive.file()])
    archive.clock.advance(timedelta(days=184))
    register = archive.register(sweep)
    path = f"/registry/destructions/{register['destruction_id']}"
    signed = _post(archive, "wang", f"{path}/witness", {"password": "correct horse battery"})
    response = _post(archive, "qian", f"{path}/execute")
    assert signed.status_code == 200
    assert (response.status_code, response.json()["code"]) == (409, "witnesses_missing")


def test_a_witness_must_re_enter_their_own_password(archive: Archive) -> None:
    sweep = archive.approved([archive.file()])
    archive.clock.advance(timedelta(days=184))
    register = archive.register(sweep)
    response = _post(archive, "wang", f"/registry/destructions/{register['destruction_id']}"
                     "/witness", {"password": "stolen token is not enough"})
    assert (response.status_code, response.json()["code"]) == (403, "wrong_password")


def test_a_witness_without_retention_reads_the_register_they_sign_and_nothing_else(
        archive: Archive) -> None:
    """R6: whoever may witness checks the items they sign. A center head (a witness who
    reads no other retention record) reads the register, its digest and its printouts,
    and signs; the list of registers, sweeps, holds and tombstones stay closed."""
    archive.server.add_user("ma", "center_head", clearance="secret",
                            department="customer_service")
    document = archive.file(title="漏水维修记录（监销核对）")
    sweep = archive.approved([document])
    archive.clock.advance(timedelta(days=184))
    register = _post(archive, "qian", "/registry/destructions",
                     {"sweep_id": sweep["sweep_id"]}).json()
    path = f"/registry/destructions/{register['destruction_id']}"
    with archive.as_("ma") as ma:
        read = ma.get(path)
        assert read.status_code == 200, read.text
        assert read.json()["digest"] == register["digest"]
        assert [item["archive_no"] for item in read.json()["items"]] == [
            document["archive_no"]]
        pdf, csv = ma.get(f"{path}/register.pdf"), ma.get(f"{path}/register.csv")
        assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
        assert document["archive_no"] in csv.text
        signed = ma.post(f"{path}/witness", json={"password": PASSWORD,
                                                   "digest": read.json()["digest"]})
        assert signed.status_code == 200, signed.text
        assert [w["username"] for w in signed.json()["witnesses"]] == ["ma"]
        for closed in ("/registry/destructions", "/registry/sweeps",
                       f"/registry/sweeps/{sweep['sweep_id']}", "/registry/holds",
                       f"/registry/documents/{document['document_id']}/destruction"):
            assert ma.get(closed).status_code == 403, closed
    with archive.as_("li") as li:
        assert li.get(path).status_code == 403


def test_a_held_document_answers_409_on_hold(archive: Archive) -> None:
    document = archive.file()
    sweep = archive.approved([document])
    hold = _post(archive, "qian", "/registry/holds",
                 {"reason": "诉讼保全", "documents": [document["document_id"]]})
    archive.clock.advance(timedelta(days=184))
    response = _post(archive, "qian", "/registry/destructions",
                     {"sweep_id": sweep["sweep_id"]})
    assert hold.status_code == 201
    assert (hold.json()["documents"], hold.json()["archive_nos"]) == (  # as listings name them
        [document["document_id"]], [document["archive_no"]])
    assert (response.status_code, response.json()["code"], response.json()["documents"]) == (
        409, "on_hold", [document["document_id"]])


def test_a_hold_is_listed_until_compliance_releases_it(shared: Archive) -> None:
    archive = shared
    hold = _post(archive, "qian", "/registry/holds",
                 {"reason": "审计调阅", "household": "A-1285", "category": "repair"}).json()
    with archive.as_("qian") as client:
        active = client.get("/registry/holds", params={"status": "active",
                                                       "limit": 500}).json()
    refused = _post(archive, "zhou", f"/registry/holds/{hold['hold_id']}/release")
    released = _post(archive, "qian", f"/registry/holds/{hold['hold_id']}/release")
    assert [h["hold_id"] for h in active if h["household"] == "A-1285"] == [hold["hold_id"]]
    assert refused.status_code == 403
    assert (released.status_code, released.json()["status"]) == (200, "released")


def test_a_household_hold_covers_nothing_until_a_document_is_filed_there(
        shared: Archive) -> None:
    """R7: a household hold covers the documents filed there later, so a household with
    none yet is held, and the answer says it covers none now."""
    archive = shared
    archive.file(household="A-1201")
    placed = _post(archive, "qian", "/registry/holds",
                   {"reason": "诉讼保全", "household": "A-1298"})
    assert (placed.status_code, placed.json()["covers_now"]) == (201, 0)
    filed = archive.file(household="A-1298")
    with archive.as_("qian") as client:
        [hold] = client.get("/registry/holds",
                            params={"document_id": filed["document_id"]}).json()
    assert (hold["hold_id"], hold["covers_now"]) == (placed.json()["hold_id"], 1)
    released = _post(archive, "qian", f"/registry/holds/{hold['hold_id']}/release")
    assert released.json()["covers_now"] == 0


def test_the_holds_bearing_on_a_household_are_listed_by_its_code(shared: Archive) -> None:
    """``household=`` lists the holds on the household's file (R7); a code no household
    could have is refused with its reason, not answered as holding none."""
    archive = shared
    filed = archive.file(household="A-1287")
    on_file = _post(archive, "qian", "/registry/holds",
                    {"reason": "诉讼保全", "documents": [filed["document_id"]]}).json()
    _post(archive, "qian", "/registry/holds", {"reason": "他户保全", "household": "A-1286"})
    with archive.as_("qian") as client:
        listed = client.get("/registry/holds", params={"household": "A-1287"})
        refused = client.get("/registry/holds", params={"household": "A-12O7"})
    assert [hold["hold_id"] for hold in listed.json()] == [on_file["hold_id"]]
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_request")


def _hold_form(browser: httpx.Client, **fields: str) -> httpx.Response:
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/ui/holds").text)
    assert csrf is not None
    return browser.post("/ui/holds", data={"_csrf_token": csrf.group(1), **fields})


def test_the_hold_form_sent_twice_places_one_hold_and_says_so(shared: Archive) -> None:
    """A double click on 设置保全, or a slow network's retry of it."""
    archive = shared
    filed = archive.file(household="A-1201")
    with closing(signed_in(archive.server.url, "qian")) as browser:
        sent = [_hold_form(browser, reason="业主再次起诉，保全来函", documents=filed["archive_no"])
                for _ in range(2)]
        said = browser.get(sent[1].headers["location"]).text
    with archive.as_("qian") as client:
        holds = client.get("/registry/holds", params={"document_id": filed["document_id"]})
    assert [answer.headers["location"] for answer in sent] == [
        "/ui/holds?done=placed", "/ui/holds?done=already_placed"]
    assert "同样的保全刚才已经设置（表单提交了两次），没有重复设置" in said
    assert len(holds.json()) == 1


def test_a_refused_hold_form_comes_back_as_it_was_typed(shared: Archive) -> None:
    archive = shared
    filed = archive.file(household="A-1201")
    typed = f"{filed['archive_no']}\n2015-repair-A-1201-9999"
    with closing(signed_in(archive.server.url, "qian")) as browser:
        unknown = _hold_form(browser, reason="业主起诉，保全相关文件", documents=typed)
        bad_household = _hold_form(browser, reason="审计调阅", household="A-12O1",
                                   category="repair")
    assert unknown.status_code == 422
    assert ('<p class="refusal" role="alert" id="hold-problem">这些档号不存在（或您无权查看）：'
            '2015-repair-A-1201-9999。') in unknown.text  # the one filed is not named
    assert ">业主起诉，保全相关文件</textarea>" in unknown.text
    assert f">{typed}</textarea>" in unknown.text
    assert bad_household.status_code == 422
    assert "户号的格式应当像 A-1201" in bad_household.text
    assert ('name="household" maxlength="10" aria-invalid="true" autofocus '
            'aria-describedby="hold-problem" value="A-12O1"') in bad_household.text
    assert '<option value="repair" selected>' in bad_household.text
    assert ">审计调阅</textarea>" in bad_household.text


def test_a_hold_placed_on_a_household_without_documents_says_it_holds_none_yet(
        shared: Archive) -> None:
    with closing(signed_in(shared.server.url, "qian")) as browser:
        placed = _hold_form(browser, reason="诉讼保全", household="A-1297",
                            category="repair")
        assert placed.status_code == 303
        assert placed.headers["location"].endswith("done=placed_waiting")
        page = browser.get(placed.headers["location"]).text
    assert "目前没有符合这个户号和类别的文件，所以它现在不保全任何文件" in page
    assert "目前没有文件；以后归入的文件会被保全" in page


def test_archive_sweep_prints_the_due_documents_as_a_table(archive: Archive) -> None:
    documents = [archive.file(household="A-1201"), archive.file(household="B-0302")]
    result = CliRunner().invoke(main, [
        "sweep", "--server", archive.server.url, "--token", archive.server.tokens["qian"],
        "--category", "repair", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert all(d["archive_no"] in result.output and d["document_id"] in result.output
               for d in documents)
    assert "dry run: 2 documents due by 2030-01-10 would be swept" in result.output


def test_archive_sweep_points_to_the_sweeps_page_to_appraise_it(archive: Archive) -> None:
    archive.file(household="A-1201")
    result = CliRunner().invoke(main, [
        "sweep", "--server", archive.server.url, "--token", archive.server.tokens["qian"],
        "--category", "repair"])
    assert result.exit_code == 0, result.output
    sweep_id = result.output.splitlines()[-1].split()[1].rstrip(":")
    assert result.output.splitlines()[-1] == (
        f"sweep {sweep_id}: 1 document due by 2030-01-10 awaits appraisal: appraise on "
        f"{archive.server.url}/ui/sweeps/{sweep_id}")
    with closing(signed_in(archive.server.url, "qian")) as browser:
        assert browser.get(f"/ui/sweeps/{sweep_id}").status_code == 200


def test_archive_sweep_ahead_of_today_says_a_dry_run_looks_ahead(shared: Archive) -> None:
    result = CliRunner().invoke(main, [
        "sweep", "--server", shared.server.url, "--token", shared.server.tokens["qian"],
        "--as-of", "2031-01-01"])
    assert result.exit_code == 1
    assert "archive sweep --dry-run" in result.output
    assert "use dry_run" not in result.output


def test_archive_sweep_refused_says_why(shared: Archive) -> None:
    result = CliRunner().invoke(main, [
        "sweep", "--server", shared.server.url, "--token", shared.server.tokens["li"]])
    assert result.exit_code == 1
    assert "role_required" in result.output


def test_a_sweep_with_nothing_due_is_409_and_archive_sweep_says_nothing_is_due(
        archive: Archive) -> None:
    archive.file(category="contract")  # permanent
    response = _post(archive, "qian", "/registry/sweeps", {})
    assert (response.status_code, response.json()["code"]) == (409, "nothing_due")
    result = CliRunner().invoke(main, [
        "sweep", "--server", archive.server.url, "--token", archive.server.tokens["qian"]])
    assert result.exit_code == 0, result.output
    assert result.output == "nothing is due by 2030-01-10; no sweep was recorded\n"
    dry_run = CliRunner().invoke(main, [
        "sweep", "--server", archive.server.url, "--token", archive.server.tokens["qian"],
        "--dry-run"])
    assert "dry run: 0 documents due by 2030-01-10 would be swept" in dry_run.output
    with archive.as_("qian") as client:
        assert client.get("/registry/sweeps").json() == []


def test_archive_sweep_names_the_documents_due_it_leaves_out_on_loan(archive: Archive) -> None:
    """R2, B4: a due document out on loan is not swept; the command says which, to chase
    its return, when it starts a sweep and when nothing else is due."""
    lent = archive.file()
    archive.issued_loan([lent], "paper")
    command = ["sweep", "--server", archive.server.url,
               "--token", archive.server.tokens["qian"]]
    nothing = CliRunner().invoke(main, command)
    assert nothing.exit_code == 0, nothing.output
    assert (f"1 more document due is out on loan and not swept ({lent['archive_no']}): ask "
            "for its return (archive loans --status out)") in nothing.output
    swept = archive.file()
    started = CliRunner().invoke(main, command)
    assert started.exit_code == 0, started.output
    assert swept["archive_no"] in started.output
    assert f"not swept ({lent['archive_no']})" in started.output


def test_an_old_active_hold_is_on_the_holds_page_however_many_holds_follow_it(
        archive: Archive) -> None:
    """R7: a hold placed before a page of others is still listed (active ones first,
    counted, ``LIST_PAGE`` a page, through the pager or opened by its link ``?hold=``) and
    released from its row; the released ones are counted and paged too. The holds are
    stored in one transaction (placed over HTTP, a hundred took half a minute)."""
    active = household_holds(LIST_PAGE + 1, placed_at=START)
    released = household_holds(LIST_PAGE + 1, placed_at=START, status="released")
    asyncio.run(insert_holds(archive.server.settings.database_url_for("registry"),
                             [*active, *released]))
    oldest = active[0].hold_id
    with closing(signed_in(archive.server.url, "qian")) as browser:
        first = browser.get("/ui/holds").text
        following = re.search(r'<a href="([^"]+)" rel="next">', first)
        assert following is not None
        second = browser.get(following[1].replace("&amp;", "&")).text
        opened = browser.get(hold_url(oldest)).text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', opened)
        assert csrf is not None
        answer = browser.post(f"/ui/holds/{oldest}/release",
                              data={"_csrf_token": csrf[1], "note": "诉讼已结案"})
    with archive.as_("qian") as client:
        counted = [client.get("/registry/holds/count", params={"status": status}).json()
                   for status in ("active", "released")]
    assert f"共 {LIST_PAGE + 1} 项有效保全" in first
    assert f"共 {LIST_PAGE + 1} 项已解除的保全" in first
    assert f'id="hold-{oldest}"' not in first
    assert f'id="hold-{oldest}"' in second
    assert f'id="hold-{oldest}"' in opened
    assert f"这一页是第 {LIST_PAGE + 1} 至 {LIST_PAGE + 1} 项" in opened
    assert answer.status_code == 303, answer.text
    assert counted == [{"count": LIST_PAGE, "before": None},
                       {"count": LIST_PAGE + 2, "before": None}]
