"""A session that ends sends the person to sign-in, told why, and back to a page that
opens: for a form, the page the form was on (never its POST-only address, which answers
no GET); a page answering a form stands for that page (the address bar, the language
switch)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from services.web.navigation import layout_values
from services.web.session import page_of, sign_in_reason, to_sign_in
from tests.support.pages import page_request

PASSWORD_FORM = "/ui/admin/users/zhao.eng/password"


def _sign_in_query(response_location: str) -> dict[str, str]:
    parts = urlsplit(response_location)
    assert parts.path == "/ui/login"
    return {name: values[0] for name, values in parse_qs(parts.query).items()}


def test_a_form_sent_after_the_session_ended_returns_to_the_page_the_form_was_on() -> None:
    request = page_request("POST", PASSWORD_FORM,
                           referer="http://archive.example/ui/admin/users?done=added")
    answer = to_sign_in(request, code="token_expired")
    assert answer.status_code == 303
    assert _sign_in_query(answer.headers["Location"]) == {
        "next": "/ui/admin/users?done=added", "reason": "expired_form"}


@pytest.mark.parametrize("referer", [
    "", "https://elsewhere.example/steal", "http://archive.example//elsewhere.example/ui/x",
    "http://archive.example/ui/login?next=%2Fui%2Floans", "javascript:alert(1)"])
def test_a_form_from_no_page_of_ours_returns_home_never_to_its_post_address(
        referer: str) -> None:
    request = page_request("POST", "/ui/loans/l-1/approve", referer=referer)
    assert _sign_in_query(to_sign_in(request, code="token_expired").headers["Location"])[
        "next"] == "/ui/search"


def test_only_the_path_of_a_referer_is_taken_so_it_stays_on_our_pages() -> None:
    request = page_request("POST", "/ui/language",
                           referer="https://elsewhere.example/ui/households/A-1201")
    assert page_of(request) == "/ui/households/A-1201"


def test_an_htmx_request_returns_to_the_page_it_was_made_from() -> None:
    request = page_request("POST", "/ui/inventories/i-1/items/3", hx_request="true",
                           hx_current_url="http://archive.example/ui/inventories/i-1?room=2")
    answer = to_sign_in(request, code="token_expired")
    assert _sign_in_query(answer.headers["HX-Redirect"]) == {
        "next": "/ui/inventories/i-1?room=2", "reason": "expired_form"}


@pytest.mark.parametrize(("method", "code", "referer", "reason"), [
    ("GET", "missing_token", "", ""),  # a first visit, a bookmark
    ("GET", "missing_token", "http://archive.example/ui/login?reason=signed_out", ""),
    ("GET", "missing_token", "http://archive.example/ui/loans", "expired"),  # cookie ran out
    ("GET", "token_expired", "", "expired"),
    ("GET", "token_revoked", "", "revoked"),
    ("GET", "token_ended", "", "signed_out"),  # a copy of the cookie kept after signing out
    ("GET", "account_disabled", "", "disabled"),
    ("POST", "missing_token", "http://archive.example/ui/loans/new", "expired_form"),
    ("POST", "token_expired", "http://archive.example/ui/loans/new", "expired_form"),
    ("POST", "token_revoked", "http://archive.example/ui/loans/new", "revoked_form"),
    ("POST", "token_ended", "http://archive.example/ui/loans/new", "signed_out_form"),
    ("POST", "account_disabled", "http://archive.example/ui/loans/new", "disabled_form"),
])
def test_the_sign_in_page_is_told_why_and_whether_a_form_was_not_sent(
        method: str, code: str, referer: str, reason: str) -> None:
    request = page_request(method, "/ui/loans", referer=referer)
    assert sign_in_reason(request, code) == reason


def test_a_page_answering_a_form_stands_for_the_page_the_form_was_on() -> None:
    refused = page_request("POST", "/ui/admin/users/chen.staff/deactivate",
                           referer="http://archive.example/ui/admin/users")
    shown = page_request("GET", "/ui/admin/users?refused=has_loans")
    assert {key: layout_values(refused, None)[key] for key in ("here", "address")} == {
        "here": "/ui/admin/users", "address": "/ui/admin/users"}
    assert {key: layout_values(shown, None)[key] for key in ("here", "address")} == {
        "here": "/ui/admin/users?refused=has_loans", "address": None}
