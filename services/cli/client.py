"""What the client commands share: server and token options, the saved token, and the
clients they call the archive with."""

from __future__ import annotations

import asyncio
import functools
import json
import os
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
from services.common.errors import ArchiveError, DependencyUnavailable

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

DEFAULT_SERVER = "http://127.0.0.1:8000"
TIMEOUT_S = 120.0
"""A printed catalogue of a large floor or a sweep over many documents takes a while."""


def token_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "archive" / "token"


def saved_token() -> str | None:
    path = token_file()
    return path.read_text().strip() if path.is_file() else None


def save_token(token: str) -> Path:
    path = token_file()
    write_durably(path, token.encode())
    return path


class ServerUnreachable(click.ClickException):
    """The archive's server did not answer at all (refused, reset, timed out), as opposed
    to answering with a refusal or its own failure: a caller may wait for it to come back."""


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
        """What ``call`` answers; a server that cannot be reached is said as such."""
        try:
            return self._loop.run(call)
        except DependencyUnavailable as exc:
            if isinstance(exc.__cause__, httpx.HTTPError):
                raise ServerUnreachable(
                    f"cannot reach {self.server} ({exc.__cause__}); is 'archive serve' "
                    "running? Pass --server to use another") from exc
            raise

    def _own_token(self) -> str:
        """A command has no token of its own: a call made "for the service" is the caller's."""
        return self.token

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for client in (self.registry, self.ingest, self.search):
            self._loop.run(client.close())
        self._loop.close()


def api_options(command: F) -> F:
    """``--server`` and ``--token`` (default: ``ARCHIVE_TOKEN``, then the saved login)."""

    @click.option("--server", envvar=SERVER_VARIABLE, default=DEFAULT_SERVER,
                  show_default=True, help="Base URL of the archive.")
    @click.option("--token", envvar=TOKEN_VARIABLE, default=None,
                  help="Bearer token (default: the one 'archive login' saved).")
    @functools.wraps(command)
    def wrapper(*args: Any, server: str, token: str | None, **kwargs: Any) -> Any:
        with Api(server, token or saved_token()) as api:
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
