"""The staff pages when something ends or fails, over HTTP as a browser reaches them: a
form sent after the session ended goes to sign-in, which says the form was not sent and
returns to the form's page; an address under the pages that no route takes is the
Chinese not-found page (the API keeps answering problem details); that page and a
refused CSRF check's show a signed-in person their own top bar, and the signed-out one
without a live session; a refused CSRF check is logged with the status it was answered
with; pages say their charset once."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support import loopback
from tests.support.pages import signed_in
from tests.support.waiting import eventually

server = module_archive_server()

LOAN_FORM = "/ui/loans/new?household=A-1203"


@pytest.fixture(scope="module")
def wang(server: ArchiveServer) -> Iterator[httpx.Client]:
    """An archivist's browser, signed in."""
    server.add_user("wang", "archivist")
    browser = signed_in(server.url, "wang")
    yield browser
    browser.close()


def _sign_in_query(answer: httpx.Response) -> dict[str, str]:
    assert answer.status_code == 303, answer.text
    location = urlsplit(answer.headers["location"])
    assert location.path == "/ui/login"
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def test_after_an_admins_reset_a_form_returns_to_its_page_said_not_sent(
        server: ArchiveServer) -> None:
    admin = server.add_user("root.reset", "admin")
    server.add_user("li.reset", "staff")
    on_the_form, reading = signed_in(server.url, "li.reset"), signed_in(server.url, "li.reset")
    try:
        with server.client(admin) as api:
            assert api.post("/registry/users/li.reset/password",
                            json={"new_password": "reset 12345"}).status_code == 200
        sent = on_the_form.post("/ui/loans", headers={"referer": f"{server.url}{LOAN_FORM}"},
                                data={"_csrf_token": on_the_form.cookies["archive_csrf"],
                                      "documents": "d-1", "kind": "digital",
                                      "purpose": "核对", "reason": "业主来电"})
        told = on_the_form.get(sent.headers["location"])
        back = on_the_form.post("/ui/login", data={
            "username": "li.reset", "password": "reset 12345", "next": LOAN_FORM,
            "_csrf_token": on_the_form.cookies["archive_csrf"]})
        read = reading.get("/ui/loans")
    finally:
        on_the_form.close()
        reading.close()
    assert _sign_in_query(sent) == {"next": LOAN_FORM, "reason": "revoked_form"}
    assert ("您的密码或权限已被更改（由您本人在别处更改，或由系统管理员更改），"
            "您的登录已结束，刚才的表单没有提交") in told.text
    assert (back.status_code, back.headers["location"]) == (303, LOAN_FORM)
    assert _sign_in_query(read) == {"next": "/ui/loans", "reason": "revoked"}


REPLAYED_PAGES = ("/ui/search", "/ui/handovers/new", "/ui/loans", "/ui/account")
"""Pages that call no service (search's empty form, a new handover) and some that do."""


def _sign_out(server: ArchiveServer, browser: httpx.Client, username: str) -> None:
    out = browser.post("/ui/logout", data={"_csrf_token": browser.cookies["archive_csrf"]})
    assert out.status_code == 303
    assert "archive_session" not in browser.cookies


def _change_password(server: ArchiveServer, browser: httpx.Client, username: str) -> None:
    with server.client(server.add_user(f"root.{username}", "admin")) as admin:
        assert admin.post(f"/registry/users/{username}/password",
                          json={"new_password": "changed 12345"}).status_code == 200


def _deactivate(server: ArchiveServer, browser: httpx.Client, username: str) -> None:
    with server.client(server.add_user(f"root.{username}", "admin")) as admin:
        assert admin.post(f"/registry/users/{username}/deactivate").status_code == 200


@pytest.mark.parametrize(("cause", "ended", "reason"), [
    ("signing_out", _sign_out, "signed_out"),
    ("password_change", _change_password, "revoked"),
    ("deactivation", _deactivate, "disabled")])
def test_a_copy_of_the_cookie_kept_from_before_the_session_ended_gets_the_sign_in_page(
        server: ArchiveServer, cause: str, ended: Callable[..., None], reason: str) -> None:
    username = f"zhou.{cause}"
    server.add_user(username, "archivist")
    browser = signed_in(server.url, username)
    copied = browser.cookies["archive_session"]
    replaying = loopback.client(server.url, timeout=60,
                                headers={"cookie": f"archive_session={copied}"})
    try:
        before = {page: replaying.get(page) for page in REPLAYED_PAGES}
        ended(server, browser, username)
        replayed = {page: replaying.get(page) for page in REPLAYED_PAGES}
    finally:
        browser.close()
        replaying.close()
    assert {page: answer.status_code for page, answer in before.items()} == dict.fromkeys(
        REPLAYED_PAGES, 200)
    assert all(username in answer.text for answer in before.values())
    assert {page: _sign_in_query(answer) for page, answer in replayed.items()} == {
        page: {"next": page, "reason": reason} for page in REPLAYED_PAGES}
    assert not any(username in answer.text for answer in replayed.values())


def test_signing_out_ends_only_that_session(server: ArchiveServer) -> None:
    server.add_user("zhou.out", "staff")
    browser, other_session = signed_in(server.url, "zhou.out"), signed_in(server.url, "zhou.out")
    try:
        _sign_out(server, browser, "zhou.out")
        still = other_session.get("/ui/search")
    finally:
        browser.close()
        other_session.close()
    assert still.status_code == 200
    assert "zhou.out" in still.text


@pytest.mark.parametrize(("reason", "said"), [
    ("signed_out", ("您已退出登录。", "You have signed out.")),
    ("signed_out_form", ("您已退出登录，刚才的表单没有提交", "You have signed out, and the form")),
    ("disabled", ("您的账号已被停用，您的登录已结束。", "Your account has been deactivated"))])
def test_the_sign_in_page_says_why_the_session_ended_in_either_language(
        server: ArchiveServer, reason: str, said: tuple[str, str]) -> None:
    with loopback.client(server.url, timeout=60) as chinese, \
            loopback.client(server.url, timeout=60,
                            cookies={"archive_language": "en"}) as english:
        pages = [client.get(f"/ui/login?reason={reason}") for client in (chinese, english)]
    assert [said_here in page.text for said_here, page in zip(said, pages, strict=True)] == [
        True, True]


def test_signing_out_clears_the_cookie_even_when_the_registry_refuses_the_token(
        server: ArchiveServer) -> None:
    server.add_user("zhou.bad", "staff")
    browser = signed_in(server.url, "zhou.bad")
    session = next(cookie for cookie in browser.cookies.jar if cookie.name == "archive_session")
    browser.cookies.set("archive_session", "not-a-token", domain=session.domain,
                        path=session.path)
    try:
        out = browser.post("/ui/logout", data={"_csrf_token": browser.cookies["archive_csrf"]})
    finally:
        browser.close()
    assert _sign_in_query(out) == {"reason": "signed_out"}
    assert "archive_session" not in browser.cookies


@pytest.mark.parametrize(("address", "status"), [
    ("/ui/nonexistent", 404), ("/ui/households/A-1201/nothing", 404), ("/ui", 404),
    ("/ui/logout", 405), ("/ui/admin/users/zhao.eng/password", 405)])
def test_an_address_no_route_takes_under_the_pages_is_the_not_found_page(
        wang: httpx.Client, address: str, status: int) -> None:
    answer = wang.get(address)
    csrf = wang.cookies["archive_csrf"]
    assert answer.status_code == status
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    heading = "没有找到" if status == 404 else "这个地址不能直接打开"  # a form's address
    assert f"<h1>{heading}</h1>" in answer.text
    assert '<a href="/ui/search">回到检索</a>' in answer.text
    assert f'name="_csrf_token" value="{csrf}"' in answer.text  # its forms still work


TOP_BAR_SAYS = {"zh": ("退出", "数字化", "回到检索"),
                "en": ("Sign out", "Digitising", "Back to the search")}
"""What a signed-in archivist's top bar (signing out, a part of their role's) and the
not-found page's link back say, in each language."""


def _archivist_reading(server: ArchiveServer, username: str, language: str) -> httpx.Client:
    """A new archivist's browser, signed in, reading the pages in ``language``."""
    server.add_user(username, "archivist")
    browser = signed_in(server.url, username)
    session = next(cookie for cookie in browser.cookies.jar if cookie.name == "archive_session")
    browser.cookies.set("archive_language", language, domain=session.domain, path=session.path)
    return browser


def _top_bar(answer: httpx.Response) -> str:
    return answer.text.partition("</header>")[0]


def _words_in(text: str, *words: str) -> list[str]:
    return [word for word in words if word in text]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_signed_in_person_finds_their_own_top_bar_on_an_address_no_route_takes(
        server: ArchiveServer, language: str) -> None:
    browser = _archivist_reading(server, f"lost.{language}", language)
    try:
        answer = browser.get("/ui/loanz")
    finally:
        browser.close()
    sign_out, their_part, home = TOP_BAR_SAYS[language]
    assert answer.status_code == 404
    assert f'<span class="who">lost.{language}</span>' in _top_bar(answer)
    assert _words_in(_top_bar(answer), sign_out, their_part) == [sign_out, their_part]
    assert f'<a href="/ui/search">{home}</a>' in answer.text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_signed_in_person_finds_their_own_top_bar_on_a_form_the_csrf_check_refused(
        server: ArchiveServer, language: str) -> None:
    browser = _archivist_reading(server, f"stale.{language}", language)
    try:
        answer = browser.post("/ui/language", data={
            "_csrf_token": "forged", "language": language, "next": "/ui/search"})
    finally:
        browser.close()
    sign_out, their_part, _ = TOP_BAR_SAYS[language]
    assert answer.status_code == 403
    assert ("表单已失效" if language == "zh" else "The form has expired") in answer.text
    assert f'<span class="who">stale.{language}</span>' in _top_bar(answer)
    assert _words_in(_top_bar(answer), sign_out, their_part) == [sign_out, their_part]


@pytest.mark.parametrize("session", [None, "not-a-token"])
def test_without_a_live_session_a_failure_page_has_the_signed_out_top_bar(
        server: ArchiveServer, session: str | None) -> None:
    """No cookie, or one whose token does not verify: the page it would have been, never
    a 500, and nobody's name or menu."""
    cookies = {"archive_session": session} if session else {}
    with loopback.client(server.url, timeout=60, cookies=cookies) as browser:
        missing = browser.get("/ui/loanz")
        refused = browser.post("/ui/language", data={"_csrf_token": "forged",
                                                     "language": "en"})
    assert (missing.status_code, refused.status_code) == (404, 403)
    for answer in (missing, refused):
        assert 'class="who"' not in _top_bar(answer)
        assert _words_in(_top_bar(answer), "退出", "数字化") == []
    assert '<a href="/ui/search">回到检索</a>' in missing.text


@pytest.mark.parametrize("folder", [
    "/ui/static", "/ui/static/", "/ui/static/vendor", "/ui/static/vendor/", "/ui/static/."])
def test_the_pages_static_folders_are_not_listed(server: ArchiveServer, folder: str) -> None:
    with server.client() as browser:
        answer = browser.get(folder)
        served = browser.get("/ui/static/vendor/htmx-LICENSE.txt")
    assert served.status_code == 200  # the folder holds it: a listing would name it
    assert answer.status_code == 404
    assert "<h1>没有找到</h1>" in answer.text
    assert "htmx-LICENSE.txt" not in answer.text


def test_no_address_under_the_static_files_reaches_outside_their_folder(
        server: ArchiveServer) -> None:
    with server.client() as browser:
        answers = [browser.get(f"/ui/static/{escape}bootstrap.py")
                   for escape in ("%2e%2e/", "..%2f", "vendor/%2e%2e/%2e%2e/")]
    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert not any("create_static_files_router" in answer.text for answer in answers)


def test_the_api_still_answers_an_unknown_address_with_problem_details(
        server: ArchiveServer) -> None:
    with server.client() as client:
        answers = [client.get("/registry/nonexistent"), client.get("/registry/auth/token"),
                   client.get("/search/nonexistent")]
    assert [(answer.status_code, answer.headers["content-type"]) for answer in answers] == [
        (404, "application/problem+json"), (405, "application/problem+json"),
        (404, "application/problem+json")]


def test_a_refused_csrf_check_is_logged_with_the_403_it_was_answered_with(
        server: ArchiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="archive.http")
    with server.client() as browser:
        refused = browser.post("/ui/logout", data={"_csrf_token": "forged"})
    assert refused.status_code == 403

    def logged() -> list[object]:
        return [line["status"] for record in caplog.records if record.name == "archive.http"
                if (line := json.loads(record.getMessage()))["route"] == "/ui/logout"]

    assert eventually(logged, what="the refused form was not logged") == [403]


def test_pages_and_lists_say_their_charset_once(server: ArchiveServer) -> None:
    token = server.add_user("wang.csv", "archivist")
    with server.client() as browser, server.client(token) as client:
        page = browser.get("/ui/login")
        listing = client.get("/registry/catalogues/general.csv")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert listing.headers["content-type"] == "text/csv; charset=utf-8"
