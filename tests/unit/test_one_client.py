"""The archive's API is called one way: through the typed clients of
``services.common.clients``. No other caller writes a route's path itself (the command
line did, about 25 times, and the restore's check again, beside the clients)."""

from __future__ import annotations

import re
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "services"
CALLERS = ("cli", "backup", "web")
"""The parts that call the services' APIs rather than serve them."""
ROUTE = re.compile(r"""["'}]/(registry|ingest|search)/""")
"""A path of the services' routes, at the start of a string or after a base address."""
SENT = re.compile(r"\.http\.(request|send|stream|get|post|put|patch|delete)\(")
"""A request sent on a client's httpx connection pool."""


def test_only_the_clients_write_the_services_paths() -> None:
    written = [f"{path.relative_to(SERVICES)}:{number}"
               for part in CALLERS for path in sorted((SERVICES / part).rglob("*.py"))
               for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
               if ROUTE.search(line)]
    assert written == []


def test_every_call_is_sent_by_service_client_request() -> None:
    """One place sends, so one place adds the token, retries a dropped connection, times
    out and turns a refusal into its ``ArchiveError`` (an upload and an original's
    download each did that again)."""
    sending = {str(path.relative_to(SERVICES)) for path in SERVICES.rglob("*.py")
               if SENT.search(path.read_text("utf-8"))}
    assert sending == {"common/clients/__init__.py"}


def test_the_check_sees_a_path_written_by_hand() -> None:
    assert ROUTE.search('api.json("GET", f"/registry/transfers/{transfer_id}")')
    assert ROUTE.search("status = api.json('POST', '/search/reindex')")
    assert ROUTE.search('httpx.post(f"{server}/registry/auth/token", json=body)')
    assert not ROUTE.search('redirect("/ui/search")')
    assert SENT.search('response = await self.http.post("/ingest/documents", files=files)')
