"""Typed HTTP clients between services (architecture principle 6).

Errors are translated once, in ``ServiceClient.request``: a problem-details answer becomes
the ``ArchiveError`` subclass of its status with the same ``code``; a peer that cannot be
reached becomes ``DependencyUnavailable``, one that answers with a failure of its own
(a 500) ``PeerFailed``. The httpx transport is the seam tests may swap.
Calls made for the service itself carry a token from ``service_token``, asked for on every
call: tokens expire, and a worker or feed follower runs for months.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import IO, Any, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from services.common import errors

T = TypeVar("T")

_BY_STATUS: dict[int, type[errors.ArchiveError]] = {
    400: errors.BadRequest, 401: errors.Unauthorized, 403: errors.Forbidden,
    404: errors.NotFound, 409: errors.Conflict, 413: errors.PayloadTooLarge,
    415: errors.UnsupportedMediaType, 422: errors.ValidationFailed, 429: errors.TooManyRequests,
    503: errors.DependencyUnavailable,
}


# An idle connection is dropped by the client before any server or proxy would close it:
# reusing one the peer closed at the same instant fails with an empty ReadError (uvicorn and
# httpx both default to 5 s, a race that failed a page under load). See ``KEEP_ALIVE_S``.
_POOL = httpx.Limits(keepalive_expiry=2.0)
_IDEMPOTENT = frozenset({"GET", "HEAD"})
_STALE_CONNECTION = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


@cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context, made once for every client: each client made its own,
    loading the CA bundle again (~0.1 s each, seven clients a server)."""
    return httpx.create_ssl_context()


@dataclass(frozen=True)
class Form:
    """A multipart body: text ``fields`` and ``files`` as httpx takes them
    (name → (filename, stream, content type))."""

    fields: dict[str, str]
    files: dict[str, tuple[str, IO[bytes], str]]


class ServiceClient:
    """Base of the clients: one ``httpx.AsyncClient`` per peer, a service token by default."""

    def __init__(self, base_url: str, *, service_token: Callable[[], str], name: str,
                 transport: httpx.AsyncBaseTransport | None = None, timeout_s: float = 30.0
                 ) -> None:
        self.name = name
        self.service_token = service_token
        self.http = httpx.AsyncClient(base_url=base_url, transport=transport,
                                      timeout=timeout_s, verify=_tls(), limits=_POOL)

    async def request(
        self, method: str, path: str, *, token: str | None = None,
        json: Any = None, form: Form | None = None,
        params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
        timeout_s: float | None = None, stream: bool = False,
    ) -> httpx.Response:
        """``token`` "" sends none (signing in); None sends the service token.
        ``form`` is a multipart body (an upload) instead of ``json``. ``timeout_s`` is for
        a call that answers only when its work is done (the client's own timeout
        otherwise). With ``stream`` the body is not read yet: the caller reads and closes
        it (an original runs to hundreds of megabytes)."""
        headers = dict(headers or {})
        if token != "":
            headers["Authorization"] = f"Bearer {token or self.service_token()}"
        body = msgspec.json.encode(json) if json is not None else None
        if body is not None:
            headers["Content-Type"] = "application/json"
        timeout = httpx.USE_CLIENT_DEFAULT if timeout_s is None else timeout_s

        def build() -> httpx.Request:
            return self.http.build_request(
                method, path, content=body, data=form.fields if form else None,
                files=form.files if form else None, params=params, headers=headers,
                timeout=timeout)

        try:
            response = await self._send(build, stream=stream)
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from exc
        if response.status_code >= 400:
            await response.aread()
            await response.aclose()
            raise error_from(response, self.name)
        return response

    def unreachable(self, exc: httpx.HTTPError) -> errors.DependencyUnavailable:
        """The error for a peer that did not answer; httpx's own message is often empty."""
        return errors.DependencyUnavailable(
            f"the {self.name} service at {self.http.base_url} cannot be reached: "
            f"{type(exc).__name__} {exc}".rstrip(), code=f"{self.name}_unavailable")

    async def _send(self, build: Callable[[], httpx.Request], *, stream: bool
                    ) -> httpx.Response:
        """A read that failed on an open connection is sent once more, on a new one: the
        peer may have closed a pooled connection as the request went out. A refused
        connection or a timeout is not retried here (the caller's backoff decides)."""
        request = build()
        try:
            return await self.http.send(request, stream=stream)
        except _STALE_CONNECTION:
            if request.method not in _IDEMPOTENT:
                raise
        return await self.http.send(build(), stream=stream)

    async def call(self, method: str, path: str, result: type[T], **kwargs: Any) -> T:
        response = await self.request(method, path, **kwargs)
        return decode_reply(response.content, result)

    async def every(self, path: str, rows: type[list[T]], *, page_size: int,
                    token: str | None = None, params: Mapping[str, Any] | None = None
                    ) -> list[T]:
        """Every row of a list the route gives a page at a time (``limit``, ``offset``)."""
        found: list[T] = []
        while True:
            page = await self.call("GET", path, rows, token=token,
                                   params={**(params or {}), "limit": page_size,
                                           "offset": len(found)})
            found.extend(page)
            if len(page) < page_size:
                return found

    async def ready(self) -> str:
        """A readiness check (``ReadinessCheck``) of the peer: "ok" when its ``/ready``
        says ready; ``DependencyUnavailable`` when it cannot be reached or is not ready.
        Its own checks stay its own: read them at its ``/ready``."""
        try:
            response = await self._send(lambda: self.http.build_request("GET", "/ready"),
                                        stream=False)
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from exc
        if response.status_code != 200:
            raise errors.DependencyUnavailable(
                f"the {self.name} service at {self.http.base_url} is not ready "
                f"({response.status_code}); see its /ready", code=f"{self.name}_not_ready")
        return "ok"

    async def check_address(self, setting: str) -> str | None:
        """Asked at start by a process that calls this peer at the address ``setting``
        gives: None when the peer answers there (its ``/ready`` names checks of its own,
        ``<name>.…``, ready or not); a warning when nothing answers there, or a proxy
        answers for it (not up yet: what calls it waits and tries again). Raises
        ``ConfigError`` when something else answers there (another part of the archive,
        or not the archive at all), which waiting will not change."""
        where = f"{setting}={self.http.base_url}"
        try:
            response = await self.http.get("/ready", timeout=ADDRESS_CHECK_TIMEOUT_S)
        except httpx.HTTPError as exc:
            return (f"nothing answers at {where} ({type(exc).__name__}); what needs the "
                    f"{self.name} service waits for it: if it is up, check {setting}")
        parts = _parts_ready_says(response)
        if parts is None and response.status_code in (502, 503, 504):
            return (f"{where} answered {response.status_code} {response.reason_phrase} "
                    f"without the archive's readiness: a proxy whose {self.name} service "
                    f"is down or cannot be reached from it; what needs it waits for it")
        if parts is None:
            said = f"answered GET /ready with {response.status_code}"
        elif self.name not in parts:
            said = f"serves the archive's {', '.join(sorted(parts))}"
        else:
            return None
        raise errors.ConfigError(
            f"{where} is not the {self.name} service's address: it {said}; set {setting} "
            f"to where 'archive serve --service {self.name}' (or 'archive serve') answers, "
            "or the router in front of the services (deploy/nginx.conf)",
            code="wrong_service_address")

    async def close(self) -> None:
        await self.http.aclose()


ADDRESS_CHECK_TIMEOUT_S = 5.0


def _parts_ready_says(response: httpx.Response) -> set[str] | None:
    """The parts an archive server's ``/ready`` names checks of (``registry.database``:
    the registry); None for an answer that is not an archive server's readiness."""
    try:
        checks = response.json().get("checks")
    except (ValueError, AttributeError):
        return None
    if not isinstance(checks, dict):
        return None
    return {str(name).split(".", 1)[0] for name in checks}


def decode_reply(content: bytes, kind: type[T]) -> T:
    """A peer's reply as ``kind``, leaving out the fields ``kind`` does not know: a newer
    release adds fields to its replies (msgspec's schema evolution), and its older
    clients, during a rolling upgrade, read on without them. Requests stay closed
    (``Struct`` refuses an unknown field)."""
    try:
        return msgspec.json.decode(content, type=kind)
    except msgspec.ValidationError:
        known = _known_fields(msgspec.json.decode(content), msgspec.inspect.type_info(kind))
        return msgspec.convert(known, kind)


def _known_fields(value: Any, kind: msgspec.inspect.Type) -> Any:
    """``value`` (decoded JSON) without the object fields ``kind`` does not name."""
    inspect = msgspec.inspect
    if isinstance(kind, inspect.StructType) and isinstance(value, dict):
        fields = {field.encode_name: field.type for field in kind.fields}
        return {name: _known_fields(item, fields[name]) if name in fields else item
                for name, item in value.items()
                if name in fields or name == kind.tag_field}
    if isinstance(kind, inspect.UnionType) and isinstance(value, dict):
        members = [member for member in kind.types if isinstance(member, inspect.StructType)
                   and (member.tag_field is None
                        or value.get(member.tag_field) == member.tag)]
        return _known_fields(value, members[0]) if members else value
    if isinstance(kind, inspect.DictType) and isinstance(value, dict):
        return {name: _known_fields(item, kind.value_type) for name, item in value.items()}
    if isinstance(kind, inspect.ListType | inspect.SetType | inspect.FrozenSetType
                  | inspect.VarTupleType) and isinstance(value, list):
        return [_known_fields(item, kind.item_type) for item in value]
    return value


def segment(identifier: str) -> str:
    """``identifier`` as one segment of a path (a ``/`` or ``?`` in it is quoted)."""
    return quote(identifier, safe="")


def error_from(response: httpx.Response, peer: str) -> errors.ArchiveError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    detail = str(body.get("detail") or f"{peer} answered {response.status_code}")
    code = body.get("code")
    if response.status_code == 404 and code in (None, UNROUTED):
        detail = _no_such_address(response, peer)
    proxied = response.status_code >= 500 and code is None
    if proxied:
        detail = _not_the_services_answer(response, peer)
    extra = {k: v for k, v in body.items()
             if k not in {"type", "title", "status", "code", "detail"}}
    error_class = _BY_STATUS.get(response.status_code)
    if error_class is None:
        return errors.PeerFailed(
            detail if proxied else f"{peer} failed ({response.status_code}): {detail}",
            code=f"{peer}_failed")
    if error_class is errors.TooManyRequests:
        return errors.TooManyRequests(detail, code=code, extra=extra,
                                      retry_after_s=_retry_after_s(response))
    return error_class(detail, code=code, extra=extra)


UNROUTED = "not_found"
"""The code of a 404 for an address nothing is served at (``services.common.web``); the
services' own refusals name what is missing (``unknown_document``, ``unknown_loan``…)."""


def _no_such_address(response: httpx.Response, peer: str) -> str:
    """A 404 for an address nothing serves: the server asked is not the archive's (or
    not this service's), not a thing the archive does not hold."""
    request = response.request
    return (f"{request.url.scheme}://{request.url.netloc.decode()} serves nothing at "
            f"{request.method} {request.url.path}: it is not the archive's address, or it "
            f"serves only some of its parts (served apart, the archive's address is the "
            f"router in front of them, deploy/nginx.conf); check the server asked "
            f"(--server, ARCHIVE_SERVER, or ARCHIVE_{peer.upper()}_URL between services)")


def _not_the_services_answer(response: httpx.Response, peer: str) -> str:
    """A server error without the archive's problem details: a proxy in front of the
    service (nginx's 502 Bad Gateway, 504) answered for it, not the service itself."""
    return (f"{response.request.url.netloc.decode()} answered {response.status_code} "
            f"{response.reason_phrase} without an answer of the {peer} service's: the proxy "
            f"in front of it answered, so the {peer} service is down or cannot be reached "
            "from the proxy; start it, or check the proxy's address for it")


def _retry_after_s(response: httpx.Response) -> int | None:
    """The ``Retry-After`` seconds the archive's services send (``services.common.web``);
    None without one (the HTTP-date form is not theirs)."""
    value = response.headers.get("Retry-After", "").strip()
    return int(value) if value.isdigit() else None
