"""What the client commands share: server and token options, the saved token, and the
clients they call the archive with."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import ssl
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx
import msgspec

from services.common.clients.ingest import IngestClient
from services.common.clients.reader import RegistryReader
from services.common.clients.search import SearchClient
from services.common.config import SERVER_VARIABLE, TOKEN_VARIABLE
from services.common.durable import write_durably
from services.common.errors import ArchiveError, DependencyUnavailable, PeerFailed
from services.common.tasks import Backoff

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

DEFAULT_SERVER = "http://127.0.0.1:8000"
TIMEOUT_S = 120.0
"""A printed catalogue of a large floor or a sweep over many documents takes a while."""
AWAY_S = 600.0
"""How long a command following work on the server (``Api.patiently``) waits for a server
that stopped answering, or for a part behind it that is away: a restart takes seconds,
an upgrade minutes. The work is safe on the server meanwhile."""
AWAY_PAUSE_INITIAL_S = 0.5
AWAY_PAUSE_MAX_S = 15.0


def token_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "archive" / "token"


def server_file() -> Path:
    """Where ``archive login`` notes the server its token is for, beside the token."""
    return token_file().with_name("server")


def saved_token() -> str | None:
    path = token_file()
    return path.read_text().strip() if path.is_file() else None


def saved_server() -> str | None:
    path = server_file()
    return (path.read_text().strip() or None) if path.is_file() else None


def save_login(token: str, server: str) -> Path:
    """Save the token and the server it is for; the token's path."""
    write_durably(server_file(), server.encode())
    path = token_file()
    write_durably(path, token.encode())
    return path


def forget_login() -> None:
    token_file().unlink(missing_ok=True)
    server_file().unlink(missing_ok=True)


def server_of(given: str | None) -> str:
    """The server a command calls: ``--server`` (or ``ARCHIVE_SERVER``), else the one the
    saved login is for, else ``DEFAULT_SERVER``."""
    return given or saved_server() or DEFAULT_SERVER


SERVER_HELP = (f"Base URL of the archive (default: the one 'archive login' signed in to, "
               f"else {DEFAULT_SERVER}).")


class ServerUnreachable(click.ClickException):
    """The archive's server did not answer at all (refused, reset, timed out), as opposed
    to answering with a refusal or its own failure: a caller may wait for it to come back."""


class StayedAway(click.ClickException):
    """``Api.patiently`` gave up: the server, or a part behind it, stayed away longer than
    the command waits; the message says which and for how long."""


class Api:
    """The archive as one command run calls it: the clients the staff pages use
    (``registry``, ``ingest``, ``search``), all at ``server`` and with the caller's
    ``token``, their calls run by ``run`` on one event loop kept for the run."""

    def __init__(self, server: str, token: str | None) -> None:
        self.server = server.rstrip("/")
        self.token = token or ""
        """Empty when there is none: no header is sent, and the server says one is needed."""
        self._loop = asyncio.Runner()
        self.registry = RegistryReader(self.server, name="registry", timeout_s=TIMEOUT_S,
                                       service_token=self._own_token)
        self.ingest = IngestClient(self.server, name="ingest", timeout_s=TIMEOUT_S,
                                   service_token=self._own_token)
        self.search = SearchClient(self.server, name="search", timeout_s=TIMEOUT_S,
                                   service_token=self._own_token)

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        """What ``call`` answers; a server that cannot be reached is said as such, and
        one whose TLS certificate is not trusted too (waiting will not help that)."""
        try:
            return self._loop.run(call)
        except DependencyUnavailable as exc:
            if not isinstance(exc.__cause__, httpx.HTTPError):
                raise
            if untrusted := _certificate_failure(exc.__cause__):
                raise click.ClickException(
                    f"{self.server} answered, but its TLS certificate is not trusted "
                    f"({untrusted.verify_message or untrusted.reason}). If the site signs "
                    "its own certificates, set SSL_CERT_FILE to its CA certificate (PEM); "
                    "else check that --server names the host the certificate is for"
                ) from exc
            raise ServerUnreachable(
                f"cannot reach {self.server} ({exc.__cause__}); is 'archive serve' "
                "running? Pass --server to use another") from exc

    def patiently(self, ask: Callable[[], Coroutine[Any, Any, T]], *,
                  say: Callable[[str], None], meanwhile: str, then: str,
                  away_s: float = AWAY_S) -> T:
        """What ``ask()`` answers, asking again with ``Backoff`` for up to ``away_s`` while
        the server cannot be reached (restarted, upgraded) or answers that a part behind
        it is away (503: its database restarting, a peer service): ``say`` tells once what
        it waits for and that ``meanwhile`` (the work is safe on the server), and once
        that the server answers again and ``then``. ``StayedAway`` after ``away_s``. A
        refusal, or a failure of the server's own (``PeerFailed``), is raised at once."""
        backoff = Backoff(initial_s=AWAY_PAUSE_INITIAL_S, max_s=AWAY_PAUSE_MAX_S)
        give_up_at: float | None = None
        while True:
            try:
                answer = self.run(ask())
            except (ServerUnreachable, DependencyUnavailable) as exc:
                if isinstance(exc, PeerFailed):
                    raise
                away = (f"Cannot reach {self.server}" if isinstance(exc, ServerUnreachable)
                        else f"{self.server} answers, but {exc.explained}")
                now = time.monotonic()
                if give_up_at is None:
                    give_up_at = now + away_s
                    say(f"{away}. {meanwhile}; waiting up to {duration(away_s)} for it to "
                        "come back…")
                if now >= give_up_at:
                    raise StayedAway(
                        f"{self.server} did not come back within {duration(away_s)}"
                        if isinstance(exc, ServerUnreachable) else
                        f"{away}, still after {duration(away_s)}") from exc
                time.sleep(min(backoff.next_pause_s(), give_up_at - now))
                continue
            if give_up_at is not None:
                say(f"{self.server} answers again; {then}.")
            return answer

    def _own_token(self) -> str:
        """A command has no token of its own: a call made "for the service" is the caller's."""
        return self.token

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for client in (self.registry, self.ingest, self.search):
            self._loop.run(client.close())
        self._loop.close()


def duration(seconds: float) -> str:
    """``10 min``, ``45 s``: how long a command waits, as it says so."""
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _certificate_failure(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate check that failed under ``exc`` (httpx wraps it twice), if any."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def api_options(command: F) -> F:
    """``--server`` and ``--token`` (default: ``ARCHIVE_SERVER`` and ``ARCHIVE_TOKEN``,
    then the saved login)."""

    @click.option("--server", envvar=SERVER_VARIABLE, default=None, help=SERVER_HELP)
    @click.option("--token", envvar=TOKEN_VARIABLE, default=None,
                  help="Bearer token (default: the one 'archive login' saved).")
    @functools.wraps(command)
    def wrapper(*args: Any, server: str | None, token: str | None, **kwargs: Any) -> Any:
        with Api(server_of(server), token or saved_token()) as api:
            return command(*args, api=api, **kwargs)

    return wrapper  # type: ignore[return-value]


def json_option(help_text: str) -> Callable[[F], F]:
    """``--json`` (``as_json``): the answer as JSON on standard output, and a refusal too,
    as the API's problem (``code``, ``detail``, ``status``; exit 1), so a script reads one
    format either way. Above ``api_options``, so that it sees every refusal."""
    def decorate(command: F) -> F:
        @click.option("--json", "as_json", is_flag=True, help=help_text)
        @functools.wraps(command)
        def run(*args: Any, as_json: bool, **kwargs: Any) -> Any:
            try:
                return command(*args, as_json=as_json, **kwargs)
            except ArchiveError as exc:
                if not as_json:
                    raise
                echo_json({"code": exc.code, "detail": exc.detail, "status": exc.status})
                raise SystemExit(1) from None

        return run  # type: ignore[return-value]

    return decorate


def echo_json(answer: object, *, indent: int | None = 2) -> None:
    """An answer as JSON, as the API gave it (its fields in the same order)."""
    click.echo(json.dumps(msgspec.to_builtins(answer), ensure_ascii=False, indent=indent))
