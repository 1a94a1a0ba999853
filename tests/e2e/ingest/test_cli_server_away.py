"""``archive ingest``, while uploading and with ``--wait`` after the uploads were accepted:
a server that stops answering (restarted, upgraded), or whose database is away for a
moment (it answers 503), is waited for, as the files sent are safe on it, and a server
that stays away ends the wait saying so and what to do. The server and PostgreSQL are
real; the fault is in the network to them (``Relay``), as a restart leaves it: refused
connections."""

from __future__ import annotations

import asyncio
import io
import subprocess
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from services.cli.client import Api
from services.cli.ingest import Item, ServerStayedAway, upload_all, wait_for_jobs
from services.common.manifest import upload_metadata
from services.common.migrations import migrate_all
from services.common.parts import SERVICE_NAMES
from tests.e2e.ingest.support import digital_pdf
from tests.fixtures.app import ArchiveServer, StartServer
from tests.fixtures.postgres import PostgresCluster
from tests.support.processes import ARCHIVE, clean_environment, setting_variables
from tests.support.relay import Relay
from tests.support.waiting import eventually


class Network:
    """A ``Relay`` to a server on an event loop of its own, cut and restored from here."""

    def __init__(self, host: str, port: int) -> None:
        self.relay = Relay(host, port)
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
    host, port = archive_server.url.removeprefix("http://").split(":")
    network = Network(host, int(port))
    yield network
    network.close()


@pytest.fixture
def database_network(postgres_cluster: PostgresCluster) -> Iterator[Network]:
    """A relay to PostgreSQL, for a server whose database the test takes away."""
    network = Network(postgres_cluster.host, postgres_cluster.port)
    yield network
    network.close()


def _uploaded(archive_server: ArchiveServer, api: Api, folder: Path) -> list[Item]:
    items = [_letter(folder)]
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


def _on_relayed_database(start_archive_server: StartServer, cluster: PostgresCluster,
                         network: Network) -> tuple[ArchiveServer, str]:
    """A server whose PostgreSQL database is reached through ``network``, and that
    database's own URL."""
    url = cluster.url(cluster.create_database())
    migrate_all({name: url for name in SERVICE_NAMES})
    relayed = url.replace(f":{cluster.port}/", f":{network.relay.port}/")
    return start_archive_server(database_url=relayed), url


def _worker(server: ArchiveServer, url: str) -> subprocess.Popen[bytes]:
    """On PostgreSQL the jobs are done by 'archive worker' (the server runs none)."""
    return subprocess.Popen(
        [*ARCHIVE, "worker", "--concurrency", "1"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=clean_environment(
            setting_variables({"database_url": url, "data_dir": server.settings.data_dir,
                               "registry_url": server.url}),
            ARCHIVE_SECRET_KEY=server.settings.signing_key()))


def test_a_database_away_for_a_moment_is_waited_for_until_the_server_answers_again(
        start_archive_server: StartServer, postgres_cluster: PostgresCluster,
        database_network: Network, tmp_path: Path) -> None:
    server, url = _on_relayed_database(start_archive_server, postgres_cluster,
                                       database_network)
    token = server.add_user("li.archivist", "archivist")
    output = io.StringIO()
    worker = _worker(server, url)
    try:
        with Api(server.url, token) as api:
            items = _uploaded(server, api, tmp_path)
            database_network.run(database_network.relay.cut())
            threading.Timer(2.0, database_network.run,
                            [database_network.relay.restore()]).start()
            wait_for_jobs(api, items, Console(file=output, width=400), server_away_s=60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert items[0].status == "done", items[0]
    said = output.getvalue()
    # Before, the first 503 ended the wait: "error: cannot reach the database …", exit 1.
    assert f"{server.url} answers, but cannot reach the database at " in said
    assert ("(database_unavailable). The uploads are safe on the server; waiting up to "
            "1 min for it to come back") in said
    assert f"{server.url} answers again; waiting for the jobs" in said


def _letter(folder: Path) -> Item:
    return Item(path=digital_pdf(folder), label="digital-2.pdf", metadata=upload_metadata(
        household="A-1201", category="repair", title="维修申请", filed_at=None,
        security=None))


def test_a_server_lost_while_uploading_is_waited_for_and_the_file_sent_once_it_answers(
        archive_server: ArchiveServer, network: Network, tmp_path: Path) -> None:
    token = archive_server.add_user("li.archivist", "archivist")
    output = io.StringIO()
    items = [_letter(tmp_path)]
    with Api(network.url, token) as api:
        network.run(network.relay.cut())
        threading.Timer(2.0, network.run, [network.relay.restore()]).start()
        upload_all(api, items, Console(file=output, width=200), server_away_s=60)
    # Before, the batch ended at once: "error: cannot reach … is 'archive serve' running?"
    assert items[0].waiting, items[0]
    said = output.getvalue()
    assert "The files uploaded so far are safe on the server; waiting up to 1 min" in said
    assert "answers again; uploading the rest" in said


def test_a_server_that_stays_away_while_uploading_says_a_re_run_sends_only_the_rest(
        archive_server: ArchiveServer, network: Network, tmp_path: Path) -> None:
    token = archive_server.add_user("li.archivist", "archivist")
    items = [_letter(tmp_path)]
    with Api(network.url, token) as api:
        network.run(network.relay.cut())
        with pytest.raises(ServerStayedAway) as gave_up:
            upload_all(api, items, Console(file=io.StringIO()), server_away_s=1)
    assert gave_up.value.message == (
        f"{network.url} did not come back within 1 s. The 0 of 1 files sent before are safe "
        "on the server. Run the same command again once the server is back: it uploads "
        "only what is missing.")
    assert items[0].status == "pending"


def test_a_database_away_while_uploading_is_waited_for_not_taken_for_a_bad_file(
        start_archive_server: StartServer, postgres_cluster: PostgresCluster,
        database_network: Network, tmp_path: Path) -> None:
    server, _ = _on_relayed_database(start_archive_server, postgres_cluster, database_network)
    token = server.add_user("li.archivist", "archivist")
    output = io.StringIO()
    items = [_letter(tmp_path)]
    with Api(server.url, token) as api:
        database_network.run(database_network.relay.cut())
        threading.Timer(2.0, database_network.run,
                        [database_network.relay.restore()]).start()
        upload_all(api, items, Console(file=output, width=400), server_away_s=60)
    # Before, the file failed "cannot reach the database …" and the summary said to fix it.
    assert items[0].status == "queued", items[0]
    said = output.getvalue()
    assert f"{server.url} answers, but cannot reach the database at " in said
    assert f"{server.url} answers again; uploading the rest" in said


def test_uploads_no_worker_takes_up_are_said_once_and_still_waited_for(
        start_archive_server: StartServer, postgres_cluster: PostgresCluster,
        tmp_path: Path) -> None:
    """An archive moved onto PostgreSQL whose operator started no 'archive worker': the
    wait went on without a word. Once it is said, the worker is started; the job ends."""
    url = postgres_cluster.url(postgres_cluster.create_database())
    migrate_all(dict.fromkeys(SERVICE_NAMES, url))
    server = start_archive_server(database_url=url)
    token = server.add_user("li.archivist", "archivist")
    output = io.StringIO()
    workers: list[subprocess.Popen[bytes]] = []

    def start_a_worker_once_said() -> None:
        eventually(lambda: "No worker has taken up" in output.getvalue(),
                   what="the wait did not say that no worker took the upload")
        workers.append(_worker(server, url))

    said = threading.Thread(target=start_a_worker_once_said, daemon=True)
    said.start()
    try:
        with Api(server.url, token) as api:
            items = _uploaded(server, api, tmp_path)
            wait_for_jobs(api, items, Console(file=output, width=400), untaken_s=1)
    finally:
        said.join(timeout=30)
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
    assert items[0].status == "done", items[0]
    assert output.getvalue().count(
        "No worker has taken up the uploads in 1 s: the server's workers are busy, or none "
        "is running (with ARCHIVE_DATABASE_URL set, uploads are read by 'archive worker' "
        "processes); an admin's /ready says which under ingest.workers.") == 1
