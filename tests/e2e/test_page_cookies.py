"""The staff pages' cookies over HTTP, as a browser gets them on either scheme (ASVS 3.3.1,
3.3.3): over plain http (``make run`` at http://127.0.0.1:8000) ``archive_…`` on
``/ui``, not Secure; over https through a proxy in ``ARCHIVE_TRUSTED_PROXIES``
(``X-Forwarded-Proto: https``, as ``deploy/nginx.conf`` sends it) ``__Host-archive_…``,
Secure, ``Path=/``, no ``Domain``; a browser holding the names from before the prefix
stays signed in and gets the new ones. Cookies are sent by hand: a client's cookie jar
keeps Secure cookies from a plain-http connection to itself."""

from __future__ import annotations

import httpx

from tests.fixtures.app import PASSWORD, ArchiveServer, StartServer, module_archive_server
from tests.support import loopback

server = module_archive_server()

HTTPS = {"x-forwarded-proto": "https"}
PAGE_COOKIES = ("archive_csrf", "archive_session", "archive_language")


def _set(answer: httpx.Response) -> dict[str, dict[str, str]]:
    """Each cookie the answer sets, by name: its value and its attributes (lower case)."""
    cookies: dict[str, dict[str, str]] = {}
    for header in answer.headers.get_list("set-cookie"):
        first, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        cookies[name] = {"value": value.strip('"')} | {
            key.lower(): text for key, _, text in (a.partition("=") for a in attributes)}
    return cookies


def _sent(**cookies: str) -> dict[str, str]:
    return {"cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


def _browse(url: str, username: str, headers: dict[str, str], *, signing_out: bool = True
            ) -> dict[str, httpx.Response]:
    """A person's visit with ``headers`` on every request: the sign-in page, signing in,
    choosing English, a page, signing out (unless not ``signing_out``); each answer by
    step."""
    page = loopback.get(f"{url}/ui/login", headers=headers)
    [(csrf_name, csrf)] = [(name, set_["value"]) for name, set_ in _set(page).items()]
    form = {"_csrf_token": csrf}
    signed = loopback.post(f"{url}/ui/login", headers=headers | _sent(**{csrf_name: csrf}),
                           data=form | {"username": username, "password": PASSWORD},
                           timeout=60)
    [(session_name, session)] = [(name, set_["value"]) for name, set_ in _set(signed).items()]
    held = {csrf_name: csrf, session_name: session}
    english = loopback.post(f"{url}/ui/language", headers=headers | _sent(**held),
                            data=form | {"language": "en", "next": "/ui/search"})
    [(language_name, _)] = _set(english).items()
    held[language_name] = "en"
    read = loopback.get(f"{url}/ui/search", headers=headers | _sent(**held))
    visit = {"page": page, "signed": signed, "english": english, "read": read}
    if signing_out:
        visit["out"] = loopback.post(f"{url}/ui/logout", headers=headers | _sent(**held),
                                     data=form)
    return visit


def test_over_plain_http_the_cookies_are_named_as_ever_on_the_pages_path(
        server: ArchiveServer) -> None:
    server.add_user("li.http", "staff")
    visit = _browse(server.url, "li.http", {})
    cookies = {name: attributes for step in ("page", "signed", "english")
               for name, attributes in _set(visit[step]).items()}
    assert sorted(cookies) == sorted(PAGE_COOKIES)
    for name, attributes in cookies.items():
        assert (attributes["path"], attributes["samesite"].lower()) == ("/ui", "strict"), name
        assert "httponly" in attributes
        assert "secure" not in attributes, name
    assert visit["read"].status_code == 200
    assert '<html lang="en">' in visit["read"].text
    assert _set(visit["out"])["archive_session"]["max-age"] == "0"


def test_over_https_through_a_trusted_proxy_each_cookie_is_host_prefixed_and_secure(
        server: ArchiveServer) -> None:
    server.add_user("li.https", "staff")
    visit = _browse(server.url, "li.https", HTTPS)
    cookies = {name: attributes for step in ("page", "signed", "english")
               for name, attributes in _set(visit[step]).items()}
    assert sorted(cookies) == sorted(f"__Host-{name}" for name in PAGE_COOKIES)
    for name, attributes in cookies.items():
        assert (attributes["path"], attributes["samesite"].lower()) == ("/", "strict"), name
        assert {"secure", "httponly"} <= attributes.keys()
        assert "domain" not in attributes, name
    assert (visit["signed"].status_code, visit["read"].status_code) == (303, 200)
    assert '<html lang="en">' in visit["read"].text
    ended = _set(visit["out"])["__Host-archive_session"]
    assert (ended["max-age"], ended["path"], "secure" in ended) == ("0", "/", True)


def test_a_browser_holding_the_old_names_over_https_stays_signed_in_and_gets_the_new_ones(
        server: ArchiveServer) -> None:
    server.add_user("li.upgrade", "staff")
    # What such a browser holds: the cookies as the pages set them before the prefix.
    visit = _browse(server.url, "li.upgrade", {}, signing_out=False)
    old = {name: attributes["value"] for step in ("page", "signed")
           for name, attributes in _set(visit[step]).items()} | {"archive_language": "en"}
    read = loopback.get(f"{server.url}/ui/search", headers=HTTPS | _sent(**old))
    form_from_before = loopback.post(
        f"{server.url}/ui/language", headers=HTTPS | _sent(**old),
        data={"_csrf_token": old["archive_csrf"], "language": "zh", "next": "/ui/search"})
    assert read.status_code == 200
    assert '<html lang="en">' in read.text
    assert '<span class="who">li.upgrade</span>' in read.text  # signed in
    moved = _set(read)
    for name in PAGE_COOKIES:
        new = moved[f"__Host-{name}"]
        assert (new["value"], new["path"], "secure" in new) == (old[name], "/", True), name
        assert (moved[name]["max-age"], moved[name]["path"]) == ("0", "/ui"), name
    assert 0 < int(moved["__Host-archive_session"]["max-age"]) <= server.settings.token_ttl_s
    assert form_from_before.status_code == 303  # its CSRF token still good
    assert _set(form_from_before)["__Host-archive_language"]["value"] == "zh"


def test_a_forwarded_https_from_a_peer_not_trusted_is_not_believed(
        start_archive_server: StartServer) -> None:
    behind_another_proxy = start_archive_server(trusted_proxies="10.0.0.0/8")
    page = loopback.get(f"{behind_another_proxy.url}/ui/login", headers=HTTPS)
    csrf = _set(page)["archive_csrf"]
    assert (csrf["path"], "secure" in csrf) == ("/ui", False)
