"""``archive ingest --wait`` after the uploads were accepted: a server that stops answering
(restarted, upgraded) is waited for, as the jobs are safe on it, and a server that stays
away ends the wait saying so and what to do. The server is real; the fault is in the
network between (``Relay``), as a restart leaves it: refused connections."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from services.cli.client import Api
from services.cli.ingest import Item, ServerStayedAway, upload_all, wait_for_jobs
from services.common.manifest import upload_metadata
from tests.e2e.ingest.support import digital_pdf
from tests.fixtures.app import ArchiveServer
from tests.support.relay import Relay


class Network:
    """A ``Relay`` to the server on an event loop of its own, cut and restored from here."""

    def __init__(self, server: ArchiveServer) -> None:
        host, port = server.url.removeprefix("http://").split(":")
        self.relay = Relay(host, int(port))
        self.url = f"http://127.0.0.1:{self.relay.port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.run(self.relay.start())

    def run(self, step: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(step, self.loop).result(timeout=10)

    def close(self) -> None:
        self.run(self.relay.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.fixture
def network(archive_server: ArchiveServer) -> Iterator[Network]:
    network = Network(archive_server)
    yield network
    network.close()


def _uploaded(archive_server: ArchiveServer, api: Api, folder: Path) -> list[Item]:
    items = [Item(path=digital_pdf(folder), label="digital-2.pdf", metadata=upload_metadata(
        household="A-1201", category="repair", title="维修申请", filed_at=None,
        security=None))]
    upload_all(api, items, Console(file=io.StringIO()))
    assert items[0].waiting, items[0]
    return items


def test_a_server_lost_while_waiting_is_waited_for_until_it_answers_again(
        archive_server: ArchiveServer, network: Network, tmp_path: Path) -> None:
    token = archive_server.add_user("li.archivist", "archivist")
    output = io.StringIO()
    with Api(network.url, token) as api:
        items = _uploaded(archive_server, api, tmp_path)
        network.run(network.relay.cut())
        threading.Timer(2.0, network.run, [network.relay.restore()]).start()
        wait_for_jobs(api, items, Console(file=output, width=200), server_away_s=60)
    assert items[0].status == "done", items[0]
    said = output.getvalue()
    assert "The uploads are safe on the server; waiting up to 1 min for it to come back" \
        in said
    assert "answers again; waiting for the jobs" in said


def test_a_server_that_stays_away_ends_the_wait_saying_the_uploads_are_safe(
        archive_server: ArchiveServer, network: Network, tmp_path: Path) -> None:
    token = archive_server.add_user("li.archivist", "archivist")
    with Api(network.url, token) as api:
        items = _uploaded(archive_server, api, tmp_path)
        network.run(network.relay.cut())
        with pytest.raises(ServerStayedAway) as gave_up:
            wait_for_jobs(api, items, Console(file=io.StringIO()), server_away_s=1)
    assert gave_up.value.message.startswith(f"{network.url} did not come back within 1 s. ")
    assert "files it accepted are safe on the server (0 of 1 extracted" in gave_up.value.message
    assert "Run the same command again once the server is back" in gave_up.value.message
