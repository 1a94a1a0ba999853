"""The staff pages' cookies and the one rule for their names and attributes (ASVS 3.3.1,
3.3.3): the session (the registry's token), the CSRF token and the chosen language.

Each is HttpOnly (no page script reads one) and SameSite=Strict (no other site's page
sends one). Over https (the request's scheme: uvicorn takes it from ``X-Forwarded-Proto``
only when the peer is in ``ARCHIVE_TRUSTED_PROXIES``, ``services/server.py``, as
``deploy/nginx.conf`` sends it) a cookie is named ``__Host-archive_…`` and is ``Secure``,
``Path=/``, without ``Domain``: the browser sends it to this host over https only, and no
other host of the domain, nor a plain-http page, can set one in its place. ``Path=/`` is
the prefix's condition, so the API receives these cookies too; it reads none (it takes
bearer tokens only), so they are ignored there. Over plain http (``make run`` at
http://127.0.0.1:8000, the tests' servers) a browser keeps no ``Secure`` cookie and refuses
the prefix, so a cookie is ``archive_…`` with ``Path=/ui``, as before the prefix.

A browser that got its cookies over https before the prefix keeps its session, its open
forms and its language: ``PageCookies`` reads such an old cookie as the new one and, in
the same answer, sets the new one and clears the old (``Path=/ui``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from services.common.auth import TokenCodec
from services.common.errors import Unauthorized
from services.common.web import PAGES_PREFIX

HOST_PREFIX = "__Host-"
LANGUAGE_KEPT_S = 365 * 24 * 3600


def over_https(scope: Scope) -> bool:
    """Whether the request reached us over https (directly or through a trusted proxy)."""
    return scope.get("scheme") == "https"


@dataclass(frozen=True)
class PageCookie:
    """One of the pages' cookies; ``base`` is its name over plain http."""

    base: str

    def name(self, secure: bool) -> str:
        return f"{HOST_PREFIX}{self.base}" if secure else self.base

    def read(self, request: Request[Any, Any, Any]) -> str | None:
        return request.cookies.get(self.name(over_https(request.scope)))

    def made(self, request: Request[Any, Any, Any], value: str, *, max_age: int | None
             ) -> Cookie:
        """The cookie holding ``value`` for ``max_age`` seconds (None: until the browser
        closes; 0: gone), named and scoped for the request's scheme."""
        return _cookie(self.name(over_https(request.scope)), value, max_age=max_age,
                       secure=over_https(request.scope))

    def ended(self, request: Request[Any, Any, Any]) -> Cookie:
        return self.made(request, "", max_age=0)


SESSION = PageCookie("archive_session")
CSRF = PageCookie("archive_csrf")
LANGUAGE = PageCookie("archive_language")


def _cookie(name: str, value: str, *, max_age: int | None, secure: bool,
            path: str | None = None) -> Cookie:
    return Cookie(key=name, value=value, max_age=max_age, httponly=True, samesite="strict",
                  secure=secure, path=path or ("/" if secure else PAGES_PREFIX))


class PageCookies:
    """The pages' middleware for their cookies: Litestar's CSRF check with the cookie
    named for the request's scheme, and, over https, the cookies a browser got before the
    prefix moved to their new names."""

    def __init__(self, app: ASGIApp, *, csrf_secret: str, codec: TokenCodec) -> None:
        self.codec = codec
        self.checks = {secure: CSRFMiddleware(app, CSRFConfig(
            secret=csrf_secret, cookie_name=CSRF.name(secure),
            cookie_path="/" if secure else PAGES_PREFIX, cookie_secure=secure,
            cookie_httponly=True, cookie_samesite="strict")) for secure in (False, True)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        secure = over_https(scope)
        if secure and scope["type"] == ScopeType.HTTP:
            sent = _cookies_sent(scope["headers"])
            old = {cookie: sent[cookie.base] for cookie in (SESSION, CSRF, LANGUAGE)
                   if cookie.base in sent}
            if old:
                scope, send = self._moved(scope, send, sent, old)
        await self.checks[secure](scope, receive, send)

    def _moved(self, scope: Scope, send: Send, sent: dict[str, str],
               old: dict[PageCookie, str]) -> tuple[Scope, Send]:
        """The request as if the old cookies had their new names (a new one the browser
        holds already wins), and its answer setting them so and clearing the old."""
        moved = {cookie: value for cookie, value in old.items()
                 if cookie.name(True) not in sent}
        added = "; ".join(f"{cookie.name(True)}={value}" for cookie, value in moved.items())
        headers = [(key, value) for key, value in scope["headers"] if key != b"cookie"]
        if added:
            given = "; ".join(f"{name}={value}" for name, value in sent.items())
            headers.append((b"cookie", f"{given}; {added}".encode("latin-1")))
        renamed = scope.copy()
        renamed["headers"] = headers

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = MutableScopeHeaders.from_message(message)
                already = {value.partition("=")[0] for value in answer.getall("set-cookie", [])}
                for cookie, value in moved.items():
                    kept = self._kept_s(cookie, value)
                    if cookie.name(True) not in already and kept != 0:
                        answer.add("set-cookie", _cookie(cookie.name(True), value,
                                                         max_age=kept, secure=True
                                                         ).to_header(header=""))
                for cookie in old:
                    answer.add("set-cookie", _cookie(cookie.base, "", max_age=0, secure=True,
                                                     path=PAGES_PREFIX).to_header(header=""))
            await send(message)

        return renamed, sending

    def _kept_s(self, cookie: PageCookie, value: str) -> int | None:
        """How long a moved cookie lasts: the session as long as its token (0: run out,
        not moved), the language a year, the CSRF token until the browser closes."""
        if cookie is SESSION:
            try:
                expires_at = self.codec.decode(value).expires_at
            except Unauthorized:
                return 0
            return max(0, (expires_at or 0) - int(time.time()))
        return LANGUAGE_KEPT_S if cookie is LANGUAGE else None


def _cookies_sent(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The cookies a request sends, by name (the first of a name, as browsers send the
    most specific path first)."""
    sent: dict[str, str] = {}
    for key, value in headers:
        if key == b"cookie":
            for pair in value.decode("latin-1").split(";"):
                name, equals, text = pair.strip().partition("=")
                if equals and name not in sent:
                    sent[name] = text
    return sent
