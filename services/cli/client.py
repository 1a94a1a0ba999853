"""What the client commands share: server and token options, the saved token, errors."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import httpx

from services.common.clients import error_from
from services.common.durable import write_durably
from services.common.paging import MAX_PAGE

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SERVER = "http://127.0.0.1:8000"
DOWNLOAD_CHUNK_BYTES = 1024 * 1024


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


class Api:
    """An authenticated HTTP client for one command run."""

    def __init__(self, server: str, token: str | None) -> None:
        self.server = server.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=self.server, headers=headers, timeout=120)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        if response.status_code >= 400:
            raise error_from(response, "server")
        return response

    def download(self, path: str, target: Path) -> tuple[str, int]:
        """GET ``path`` into the new file ``target`` in pieces of ``DOWNLOAD_CHUNK_BYTES``
        (an original may be larger than memory allows), hashed as they are written;
        returns their SHA-256 and size."""
        digest = hashlib.sha256()
        size = 0
        try:
            with self.http.stream("GET", path) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_from(response, "server")
                with target.open("xb") as out:
                    for chunk in response.iter_bytes(DOWNLOAD_CHUNK_BYTES):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        return digest.hexdigest(), size

    def _unreachable(self, exc: httpx.HTTPError) -> click.ClickException:
        return click.ClickException(f"cannot reach {self.server} ({exc}); is 'archive serve' "
                                    "running? Pass --server to use another")

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()


def api_options(command: F) -> F:
    """``--server`` and ``--token`` (default: ``ARCHIVE_TOKEN``, then the saved login)."""

    @click.option("--server", envvar="ARCHIVE_SERVER", default=DEFAULT_SERVER,
                  show_default=True, help="Base URL of the archive.")
    @click.option("--token", envvar="ARCHIVE_TOKEN", default=None,
                  help="Bearer token (default: the one 'archive login' saved).")
    @functools.wraps(command)
    def wrapper(*args: Any, server: str, token: str | None, **kwargs: Any) -> Any:
        return command(*args, api=Api(server, token or saved_token()), **kwargs)

    return wrapper  # type: ignore[return-value]


def list_documents(api: Api) -> list[dict[str, Any]]:
    """Every catalogue record the caller may see (``GET /registry/documents``, paged)."""
    records: list[dict[str, Any]] = []
    while True:
        page = api.json("GET", "/registry/documents",
                        params={"limit": MAX_PAGE, "offset": len(records)})
        records.extend(page)
        if len(page) < MAX_PAGE:
            return records
