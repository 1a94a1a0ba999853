"""``archive`` as a user runs it: a subprocess, one clear line and a non-zero exit on failure."""

from __future__ import annotations

import http.server
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from services.common.db import migration_config
from tests.fixtures.app import StartServer
from tests.fixtures.postgres import PostgresCluster, free_port, sqlite_url
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support import loopback
from tests.support.processes import ARCHIVE, clean_environment
from tests.support.waiting import eventually


def run(args: list[str], tmp_path: Path, *, env: dict[str, str] | None = None,
        stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = clean_environment()
    environment.update({"ARCHIVE_DATA_DIR": str(tmp_path / "data"),
                        "XDG_CONFIG_HOME": str(tmp_path / "config")})
    environment.update(env or {})
    return subprocess.run([*ARCHIVE, *args], cwd=tmp_path, env=environment, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def test_bad_configuration_stops_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = run(["serve"], tmp_path, env={"ARCHIVE_LOAN_DAYS": "soon"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: ARCHIVE_LOAN_DAYS: Expected `int`, got `str`"]


@pytest.mark.parametrize(("variable", "value"), [
    ("ARCHIVE_SECRET_KEY", "short"),
    ("ARCHIVE_DATABASE_URL", "notaurl"),
    ("ARCHIVE_DATABASE_URL", "mysql://archive@127.0.0.1/archive"),
    ("ARCHIVE_DATABASE_URL", "postgres://archive@127.0.0.1/archive"),
    ("ARCHIVE_LOG_LEVEL", "verbose"),
    ("ARCHIVE_DATA_DIR", "/dev/null/x"),
    ("ARCHIVE_ELASTICSEARCH_URL", "127.0.0.1:9200"),
    ("ARCHIVE_ELASTICSEARCH_URL", "htp://127.0.0.1:9200"),
    ("ARCHIVE_S3_BUCKET", "Archive_Files"),
])
def test_a_bad_value_that_once_ended_in_a_traceback_is_one_line(
        tmp_path: Path, variable: str, value: str) -> None:
    result = run(["serve", "--port", str(free_port())], tmp_path, env={variable: value})
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {variable}: ")


def _one_line_naming(result: subprocess.CompletedProcess[str], *said: str) -> str:
    """The one line a failed command printed, holding each of ``said``."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "archive: serving" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    for words in said:
        assert words in line
    return line


def test_a_database_that_refuses_the_connection_is_one_line_in_serve_and_migrate(
        tmp_path: Path, postgres_cluster: PostgresCluster) -> None:
    database = postgres_cluster.create_database()
    missing = postgres_cluster.url("no_such_database")
    stranger = postgres_cluster.url(database).replace("postgres@", "nobody:wrong@")
    for url, cause in ((missing, 'database "no_such_database" does not exist'),
                       (stranger, 'role "nobody" does not exist')):
        env = {"ARCHIVE_DATABASE_URL": url}
        served = run(["serve", "--port", str(free_port())], tmp_path, env=env)
        migrated = run(["migrate"], tmp_path, env=env)
        for result in (served, migrated):
            _one_line_naming(result, "refused the connection", cause, "ARCHIVE_DATABASE_URL")
            assert "wrong" not in result.stderr  # the password is never shown


@pytest.mark.parametrize("argv", [["serve", "--port", "0"], ["worker", "--concurrency", "1"]],
                         ids=["serve", "worker"])
def test_an_object_store_refusing_the_keys_is_one_line_in_serve_and_worker(
        tmp_path: Path, seaweedfs_s3: S3Server, argv: list[str]) -> None:
    """As a database refusing its password: waiting would not change it. (One that does
    not answer is waited for: uploads and jobs wait, and /ready says so.) The worker
    started and ran on, its jobs failing later."""
    if argv[-1] == "0":
        argv[-1] = str(free_port())
    env = {"ARCHIVE_S3_ENDPOINT": seaweedfs_s3.endpoint,
           "ARCHIVE_S3_ACCESS_KEY": seaweedfs_s3.access_key,
           "ARCHIVE_S3_SECRET_KEY": "not-the-secret-key", "ARCHIVE_S3_BUCKET": unique_bucket()}
    if argv[0] == "worker":  # it warns that nothing answers there, and goes on
        env["ARCHIVE_REGISTRY_URL"] = f"http://127.0.0.1:{free_port()}"
    served = run(argv, tmp_path, env=env)
    assert served.returncode == 1, served.stderr
    assert "Traceback" not in served.stderr
    said = served.stderr.strip().splitlines()[-1]  # after the log's lines of the start
    assert said.startswith(f"error: S3 at {seaweedfs_s3.endpoint}"), said
    assert "refused access" in said
    assert "ARCHIVE_S3_SECRET_KEY" in said
    assert "not-the-secret-key" not in served.stderr


def test_a_database_of_a_newer_release_is_one_line_in_serve_and_migrate(tmp_path: Path
                                                                        ) -> None:
    registry = tmp_path / "data" / "registry.db"
    command.upgrade(migration_config(sqlite_url(registry), "registry"), "heads")
    with closing(sqlite3.connect(registry)) as db, db:
        db.execute("DELETE FROM alembic_version_registry")
        db.execute("INSERT INTO alembic_version_registry VALUES ('registry_0012_future')")
    for result in (run(["serve", "--port", str(free_port())], tmp_path),
                   run(["migrate"], tmp_path)):
        _one_line_naming(result, "the registry database was written by a newer release of "
                         "archive (revision registry_0012_future); run that release or "
                         "restore a backup made by this one")


def test_a_failed_migration_step_is_one_line_in_serve_and_migrate_and_changes_nothing(
        tmp_path: Path) -> None:
    """A step that would leave a row pointing nowhere (here a loan's document whose loan is
    gone, written behind the archive's back) is undone: the operator reads what failed,
    that nothing was lost and what to do, and the database stays at its revision."""
    registry = tmp_path / "data" / "registry.db"
    command.upgrade(migration_config(sqlite_url(registry), "registry"),
                    "registry_0010_incident_resolved")
    with closing(sqlite3.connect(registry)) as db, db:  # foreign keys off: Python's default
        db.execute("INSERT INTO loan_documents VALUES ('no-such-loan', 'no-such-document', 0)")
    for result in (run(["serve", "--port", str(free_port())], tmp_path),
                   run(["migrate"], tmp_path)):
        _one_line_naming(
            result, "upgrading the registry database past revision "
            "registry_0010_incident_resolved failed: registry_0011_loan_withdrawal would "
            "leave 1 row of loan_documents pointing at a missing row of documents; 1 row of "
            "loan_documents pointing at a missing row of loans",
            "that step was undone and no data was lost (the database is as it was); keep "
            "running the release that wrote it and report this message (migration_failed)")
    with closing(sqlite3.connect(registry)) as db:
        assert db.execute("SELECT version_num FROM alembic_version_registry").fetchall() == [
            ("registry_0010_incident_resolved",)]
        assert db.execute("SELECT count(*) FROM loan_documents").fetchone() == (1,)


@pytest.mark.parametrize("engine", ["tesseract", "ppocr"])
def test_a_models_directory_without_the_models_stops_serve_in_one_line(
        tmp_path: Path, engine: str) -> None:
    """Served, every upload failed after five attempts, 'no Tesseract models in …', the
    documents blamed (fix the failed files) for what the operator had to put right."""
    (tmp_path / "tessdata").mkdir()
    result = run(["serve", "--port", str(free_port())], tmp_path,
                 env={"ARCHIVE_OCR_ENGINE": engine,
                      "TESSDATA_PREFIX": str(tmp_path / "tessdata")})
    line = _one_line_naming(result, f"in {tmp_path / 'tessdata'}", "TESSDATA_PREFIX")
    assert ("'chi_sim', 'chi_tra', 'eng', 'osd'" if engine == "tesseract" else "'osd'") in line


def test_a_search_index_the_user_may_not_write_says_whose_it_must_be(tmp_path: Path) -> None:
    """It said to rebuild the index with 'archive reindex', which meets the same refusal.
    As root, the permission is refused by running without the capability to override it."""
    data = tmp_path / "data"
    assert run(["migrate"], tmp_path).returncode == 0
    (data / "index").mkdir(mode=0o555)
    argv = ["serve", "--port", str(free_port())]
    if os.geteuid() == 0:
        environment = clean_environment()
        environment.update({"ARCHIVE_DATA_DIR": str(data),
                            "XDG_CONFIG_HOME": str(tmp_path / "config")})
        result = subprocess.run(
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all",
             *ARCHIVE, *argv], cwd=tmp_path, env=environment, capture_output=True,
            text=True, timeout=60)
    else:
        result = run(argv, tmp_path)
    assert result.returncode == 1, result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: the search index at {data / 'index'} could not open: ")
    assert "give that user ARCHIVE_DATA_DIR (chown -R), or run the archive as its owner" in line
    assert "archive reindex" not in line


def test_a_taken_port_is_one_clear_message(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["serve", "--port", str(port)], tmp_path)
    assert result.returncode == 2
    assert "is taken" in result.stderr
    assert "Traceback" not in result.stderr


def _until_it_waits_for_the_database(argv: list[str], tmp_path: Path,
                                     environment: dict[str, str], *,
                                     waiting: str = "cannot reach the database"
                                     ) -> tuple[list[str], str]:
    """What ``archive ARGV`` says on standard error up to the line saying it cannot reach
    its (unreachable) database (or what ``waiting`` names), and after it, once Ctrl-C
    stopped it."""
    started = subprocess.Popen([*ARCHIVE, *argv], cwd=tmp_path, env=environment,
                               stderr=subprocess.PIPE, text=True)
    assert started.stderr is not None
    said = []
    for line in started.stderr:
        said.append(line.rstrip("\n"))
        if waiting in line:
            break
    started.send_signal(signal.SIGINT)
    _, rest = started.communicate(timeout=90)  # its shut-down: 1-2 s, 10 s and more loaded
    return said, rest


def _waited_until_ctrl_c(said: list[str], rest: str) -> None:
    assert "waiting for the ingest database" in said[-1] or \
        "waiting for the registry database" in said[-1], said
    assert "Traceback" not in "\n".join(said) + rest


def _unreachable_postgresql() -> str:
    return f"postgresql+asyncpg://archive@127.0.0.1:{free_port()}/archive"


SHARED_KEY = "k" * 48
"""Parts on a shared database sign and check each other's tokens with one key (refused
without it: tests/unit/test_cli_commands.py)."""


def test_an_unreachable_postgresql_is_waited_for_until_ctrl_c(tmp_path: Path) -> None:
    """``archive serve``'s wait (the worker's: in the test of its warning below)."""
    environment = clean_environment(ARCHIVE_DATA_DIR=str(tmp_path / "data"),
                                    ARCHIVE_DATABASE_URL=_unreachable_postgresql(),
                                    ARCHIVE_REGISTRY_URL=f"http://127.0.0.1:{free_port()}",
                                    ARCHIVE_SECRET_KEY=SHARED_KEY)
    _waited_until_ctrl_c(*_until_it_waits_for_the_database(
        ["serve", "--port", str(free_port())], tmp_path, environment))


def test_an_unreachable_elasticsearch_is_said_in_the_archives_words_not_the_clients(
        tmp_path: Path) -> None:
    """The Elasticsearch client logged each retry and each node it set aside, a traceback
    in each, before the archive's one line saying what it waits for and what to check."""
    environment = clean_environment(ARCHIVE_DATA_DIR=str(tmp_path / "data"),
                                    ARCHIVE_ELASTICSEARCH_URL=f"http://127.0.0.1:{free_port()}")
    said, _ = _until_it_waits_for_the_database(["serve", "--port", str(free_port())], tmp_path,
                                               environment, waiting="cannot reach Elasticsearch")
    assert "check ARCHIVE_ELASTICSEARCH_URL; waiting for it" in said[-1], said
    assert [line for line in said if '"elastic_transport' in line] == []


@contextmanager
def not_an_archive_server() -> Iterator[str]:
    """The address of an HTTP server that answers everything with an error page, as a
    web server, a router's default site or another program does."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_start_that_fails_after_some_parts_started_is_one_line_and_stops_them(
        tmp_path: Path) -> None:
    """The search service failing at start after the registry and ingest had started: the
    operator read an error page's HTML, then asyncio's "Unclosed client session" (which
    reads as a crash) as the parts started were never stopped."""
    with not_an_archive_server() as elsewhere:
        result = run(["serve", "--port", str(free_port())], tmp_path,
                     env={"ARCHIVE_ELASTICSEARCH_URL": elsewhere})
    assert result.returncode == 1, result.stderr
    said = [line for line in result.stderr.splitlines() if not line.startswith("{")]
    assert said == ["error: what answers at ARCHIVE_ELASTICSEARCH_URL is not Elasticsearch: "
                    "asked to create the index template, it answered 501 without an error "
                    "of Elasticsearch's; set ARCHIVE_ELASTICSEARCH_URL to Elasticsearch's "
                    "address (dependency_unavailable)"], result.stderr
    assert '"level": "error"' not in result.stderr


@pytest.mark.parametrize("elsewhere", ["not the archive", "the search service"])
@pytest.mark.parametrize("argv", [["serve", "--service", "ingest", "--port", "0"],
                                  ["serve", "--service", "web", "--port", "0"],
                                  ["worker", "--concurrency", "1"]],
                         ids=["ingest", "web", "worker"])
def test_a_registry_address_where_something_else_answers_stops_the_start_in_one_line(
        tmp_path: Path, start_archive_server: StartServer, argv: list[str],
        elsewhere: str) -> None:
    """A typo'd port, or the address of another part: the parts apart started and said
    nothing, and the operator learnt of it as people's requests failed."""
    if argv[-1] == "0":
        argv[-1] = str(free_port())
    with ExitStack() as stack:
        if elsewhere == "the search service":
            address = start_archive_server(hosted=("search",)).url
            serves = "it serves the archive's search"
        else:
            address = stack.enter_context(not_an_archive_server())
            serves = "it answered GET /ready with 501"
        result = run(argv, tmp_path, env={"ARCHIVE_REGISTRY_URL": address,
                                          "ARCHIVE_SECRET_KEY": SHARED_KEY,
                                          "ARCHIVE_DATABASE_URL": _unreachable_postgresql()})
    assert result.returncode == 2, result.stderr
    said = [line for line in result.stderr.splitlines()
            if not line.startswith(("{", "archive: "))]
    assert said == [
        f"error: ARCHIVE_REGISTRY_URL={address} is not the registry service's address: "
        f"{serves}; set ARCHIVE_REGISTRY_URL to where 'archive serve --service registry' "
        "(or 'archive serve') answers, or the router in front of the services "
        "(deploy/nginx.conf)"], result.stderr


def test_a_worker_without_the_ocr_models_says_so_before_it_waits_for_its_database(
        tmp_path: Path) -> None:
    """As 'archive serve' does: it waited for the database, then said it."""
    (tmp_path / "tessdata").mkdir()
    result = run(["worker", "--concurrency", "1"], tmp_path, timeout=30, env={
        "ARCHIVE_DATABASE_URL": _unreachable_postgresql(), "ARCHIVE_SECRET_KEY": SHARED_KEY,
        "ARCHIVE_REGISTRY_URL": f"http://127.0.0.1:{free_port()}",
        "TESSDATA_PREFIX": str(tmp_path / "tessdata")})
    assert result.returncode == 1, result.stderr
    said = result.stderr.strip().splitlines()[-1]
    assert f"in {tmp_path / 'tessdata'}" in said, said
    assert "TESSDATA_PREFIX" in said, said
    assert "waiting for the ingest database" not in result.stderr


@pytest.fixture
def nothing_at_the_default_server() -> Iterator[None]:
    """Hold the default server's port (``archive serve``'s, 8000) without listening, so
    that nothing answers there while the test runs."""
    with socket.socket() as held:
        try:
            held.bind(("127.0.0.1", 8000))
        except OSError as exc:
            raise AssertionError("port 8000 is taken (an 'archive serve' of yours?); this "
                                 "test needs nothing to answer there: stop it") from exc
        yield


@pytest.mark.usefixtures("nothing_at_the_default_server")
@pytest.mark.parametrize("registry_set", [False, True], ids=["unset", "set"])
def test_worker_warns_at_start_when_nothing_answers_where_it_registers(
        tmp_path: Path, registry_set: bool) -> None:
    """The jobs of a worker registering at a server that is not there wait, extracted but
    never filed: the operator is told at once, and how to put it right (a registry set
    and away was said nothing of). Its database
    unreachable, the worker stops to wait right after its start-up lines, until Ctrl-C."""
    environment = clean_environment(ARCHIVE_DATA_DIR=str(tmp_path / "data"),
                                    ARCHIVE_DATABASE_URL=_unreachable_postgresql(),
                                    ARCHIVE_SECRET_KEY=SHARED_KEY)
    if registry_set:
        environment["ARCHIVE_REGISTRY_URL"] = f"http://127.0.0.1:{free_port()}"
    said, rest = _until_it_waits_for_the_database(["worker", "--concurrency", "1"], tmp_path,
                                                  environment)
    _waited_until_ctrl_c(said, rest)
    warnings = [line for line in said if line.startswith("warning:")]
    if registry_set:
        address = environment["ARCHIVE_REGISTRY_URL"]
        assert warnings == [
            f"warning: nothing answers at ARCHIVE_REGISTRY_URL={address} (ConnectError);"
            " what needs the registry service waits for it: if it is up, "
            "check ARCHIVE_REGISTRY_URL"], said
    else:
        assert warnings == [
            "warning: ARCHIVE_REGISTRY_URL is not set and nothing answers at "
            "http://127.0.0.1:8000: jobs will wait there, extracted but not filed, until a "
            "server answers. Set ARCHIVE_REGISTRY_URL to the address of the 'archive serve' "
            "that takes the uploads, then start the worker again."], said


def test_logout_when_the_server_cannot_be_asked_forgets_the_token_and_says_it_still_works(
        tmp_path: Path) -> None:
    saved = tmp_path / "config" / "archive" / "token"
    saved.parent.mkdir(parents=True)
    saved.write_text("a.saved.token")
    result = run(["logout", "--server", f"http://127.0.0.1:{free_port()}"], tmp_path)
    line = _one_line_naming(result, "cannot reach", "keeps working until it runs out",
                            "removed")
    assert line.startswith("Error: ")
    assert not saved.exists()


ANNOUNCED = "archive: serving"
"""How the line starts in which ``archive serve`` says it serves."""


@dataclass
class Serving:
    """An ``archive serve`` (or another process) a test started on the embedded data under
    ``root``, its output in ``root / "serve.log"``."""

    process: subprocess.Popen[str]
    root: Path
    url: str
    announced: str = ""
    """The line in which the server said it serves."""
    health_then: int = 0
    """What its ``/health`` answered as soon as it said so."""

    def log(self) -> str:
        return (self.root / "serve.log").read_text()

    def login(self, username: str, password: str) -> str:
        """A bearer token of ``username``'s."""
        answer = loopback.post(f"{self.url}/registry/auth/token",
                               json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])


@contextmanager
def _serving(root: Path, argv: list[str] | None = None) -> Iterator[Serving]:
    """``archive serve`` (or ``argv``) on the embedded data under ``root``; a server is
    waited for until it says it serves (then asked for its ``/health``)."""
    port = free_port()
    environment = clean_environment(ARCHIVE_DATA_DIR=str(root / "data"),
                                    ARCHIVE_OCR_WORKERS="1")
    with (root / "serve.log").open("w") as output:
        process = subprocess.Popen(argv or [*ARCHIVE, "serve", "--port", str(port)],
                                   cwd=root, env=environment, stdout=output,
                                   stderr=subprocess.STDOUT, text=True)
    serving = Serving(process, root, f"http://127.0.0.1:{port}")
    try:
        if argv is None:
            try:
                serving.announced = eventually(lambda: _announced(serving), timeout_s=60,
                                               interval_s=0.02,
                                               what="archive serve did not say it serves")
            except AssertionError as failure:
                raise AssertionError(f"{failure}\n{serving.log()}") from None
            serving.health_then = loopback.get(f"{serving.url}/health").status_code
        yield serving
    finally:
        process.terminate()
        process.wait(timeout=30)


def _announced(serving: Serving) -> str | None:
    """The line saying it serves, once said; fails if the process ended first."""
    said = serving.log()
    line = next((line for line in said.splitlines() if line.startswith(ANNOUNCED)), None)
    if line is None and serving.process.poll() is not None:
        raise AssertionError(f"archive serve exited with {serving.process.returncode}")
    return line


# -- one archive serve the next tests share: none changes what another looks at -----------

OLDER = "registry_0010_incident_resolved"
"""A revision the shared server finds its registry at, so that it migrates it at start."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serving]:
    """``archive serve`` on a data directory whose registry is at ``OLDER`` and whose
    other databases are missing."""
    root = tmp_path_factory.mktemp("served")
    command.upgrade(migration_config(sqlite_url(root / "data" / "registry.db"), "registry"),
                    OLDER)
    with _serving(root) as serving:
        yield serving


def test_serve_says_it_serves_once_it_does(served: Serving) -> None:
    port = served.url.rsplit(":", 1)[1]
    assert served.announced.startswith(f"archive: serving registry, ingest, search, web at "
                                       f"http://127.0.0.1:{port}"), served.announced
    assert served.health_then == 200


def test_serve_logs_what_its_own_migration_applied(served: Serving) -> None:
    logged = served.log()
    messages = [json.loads(line)["message"] for line in logged.splitlines()
                if line.startswith("{") and "database migration" in line]
    assert len(messages) == 3, logged
    assert any(m.startswith(f"database migration, registry: {OLDER} → registry_")
               for m in messages), messages


def test_user_add_login_an_authenticated_ready_and_logout(served: Serving,
                                                          tmp_path: Path) -> None:
    data = {"ARCHIVE_DATA_DIR": str(served.root / "data")}
    added = run(["user", "add", "chen", "--role", "admin", "--password-stdin"], tmp_path,
                env=data, stdin="a good password\n")
    assert added.returncode == 0, added.stderr
    url = served.url
    logged_in = run(["login", "chen", "--server", url, "--password-stdin"], tmp_path,
                    stdin="a good password\n")
    assert logged_in.returncode == 0, logged_in.stderr
    assert f"logged in as chen at {url}" in logged_in.stdout
    token = (tmp_path / "config" / "archive" / "token").read_text()
    # The login notes its server: the next commands go there without --server.
    loans = run(["loans", "--json"], tmp_path)
    assert (loans.returncode, loans.stdout.strip()) == (0, "[]"), loans.stderr
    ready = loopback.get(f"{url}/ready", headers={"Authorization": f"Bearer {token}"})
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["checks"]["ingest.workers"].startswith("1 extraction process running")
    assert loopback.get(f"{url}/registry/users",
                        headers={"Authorization": f"Bearer {token}"}).status_code == 200
    logged_out = run(["logout"], tmp_path)
    assert logged_out.returncode == 0, logged_out.stderr
    assert "token ended on the server" in logged_out.stdout
    assert not (tmp_path / "config" / "archive" / "token").exists()
    assert not (tmp_path / "config" / "archive" / "server").exists()
    refused = loopback.get(f"{url}/registry/users",
                           headers={"Authorization": f"Bearer {token}"})
    assert (refused.status_code, refused.json()["code"]) == (401, "token_ended")
    again = run(["logout", "--server", url], tmp_path)
    assert (again.returncode, again.stdout.split(":")[0]) == (0, "not logged in")
    ended_already = run(["logout", "--server", url, "--token", token], tmp_path)
    assert ended_already.returncode == 0, ended_already.stderr
    assert "no longer accepted the token" in ended_already.stdout
    # A healthy start says nothing alarming: the followers wait for the server to listen.
    log = served.log()
    assert "stalled" not in log
    assert '"level": "warning"' not in log


def test_user_change_and_password_at_the_console_end_the_users_sign_ins(
        served: Serving, tmp_path: Path) -> None:
    """The operator changes an account's rights, and sets the password of an admin who
    forgot theirs, on the database itself: what the account held before stops working."""
    data = {"ARCHIVE_DATA_DIR": str(served.root / "data")}
    added = run(["user", "add", "zhu", "--role", "staff", "--department", "客服部",
                 "--full-name", "朱莉", "--password-stdin"], tmp_path, env=data,
                stdin="a good password\n")
    assert added.returncode == 0, added.stderr
    token = served.login("zhu", "a good password")
    changed = run(["user", "change", "zhu", "--role", "manager", "--role", "staff",
                   "--clearance", "confidential"], tmp_path, env=data)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.strip() == ("zhu (朱莉): manager, staff; clearance confidential; "
                                      "department customer_service; every sign-in they "
                                      "had has ended")
    refused = loopback.get(f"{served.url}/registry/users/zhu",
                           headers={"Authorization": f"Bearer {token}"})
    assert (refused.status_code, refused.json()["code"]) == (401, "token_revoked")
    reset = run(["user", "password", "zhu", "--password-stdin"], tmp_path, env=data,
                stdin="another good phrase\n")
    assert reset.returncode == 0, reset.stderr
    signed_in = {"Authorization": f"Bearer {served.login('zhu', 'another good phrase')}"}
    me = loopback.get(f"{served.url}/registry/users/zhu", headers=signed_in).json()
    assert (me["roles"], me["clearance"]) == (["manager", "staff"], "confidential")
    renamed = run(["user", "change", "zhu", "--full-name", "朱丽叶"], tmp_path, env=data)
    assert renamed.stdout.strip() == ("zhu (朱丽叶): manager, staff; clearance confidential; "
                                      "department customer_service; their sign-ins go on")
    assert loopback.get(f"{served.url}/registry/users/zhu",
                        headers=signed_in).json()["full_name"] == "朱丽叶"
    nobody = run(["user", "change", "nobody", "--clearance", "secret"], tmp_path, env=data)
    assert nobody.returncode == 1
    assert "(unknown_user)" in nobody.stderr
    nothing = run(["user", "change", "zhu"], tmp_path, env=data)
    assert nothing.returncode == 2
    assert "say what changes" in nothing.stderr


def test_a_second_serve_on_the_same_data_directory_is_refused_before_it_migrates(
        served: Serving, tmp_path: Path) -> None:
    second = run(["serve", "--port", str(free_port())], tmp_path,
                 env={"ARCHIVE_DATA_DIR": str(served.root / "data")})
    _one_line_naming(second, f"process {served.process.pid} (", "stop it first",
                     "then run 'archive serve' again")


# -- upgrading: one archive per data directory, and what migrate did -----------------------


def test_migrate_and_restore_are_refused_while_archive_serve_uses_the_data_directory(
        tmp_path: Path) -> None:
    """The old server would answer 500 under the new schema and write by the old rules:
    the operator is told which process to stop, and nothing is migrated."""
    with _serving(tmp_path) as server:
        migrated = run(["migrate"], tmp_path)
        restored = run(["restore", str(tmp_path / "backup")], tmp_path)
    for result, command_run in ((migrated, "migrate"), (restored, "restore")):
        _one_line_naming(result, f"process {server.process.pid} (", "services.cli serve",
                         f"is using the data directory {tmp_path / 'data'}: stop it first",
                         f"then run 'archive {command_run}' again (data_dir_in_use)")
    assert run(["migrate"], tmp_path).returncode == 0  # its lock went with it


def test_a_server_of_a_release_before_the_lock_is_seen_by_the_search_index_it_holds(
        tmp_path: Path) -> None:
    """Every release's search service holds Tantivy's writer lock on the live index while
    it runs: a process holding it as they do (the real index, opened) stops the migrate."""
    index = tmp_path / "data" / "index"
    holding = ("import asyncio, time\n"
               "from pathlib import Path\n"
               "from services.search.index.tantivy_index import TantivyIndex\n"
               f"index = TantivyIndex(Path({str(index)!r}))\n"
               "asyncio.run(index.ensure())\n"
               "print('index held', flush=True)\n"
               "time.sleep(120)\n")
    with _serving(tmp_path, [sys.executable, "-c", holding]) as old:
        eventually(lambda: "index held" in old.log(), what="the index did not open")
        migrated = run(["migrate"], tmp_path)
    _one_line_naming(migrated, f"process {old.process.pid} (", "stop it first")
    assert not (tmp_path / "data" / "registry.db").exists()


def test_migrate_says_per_service_what_it_applied_or_that_it_was_current(
        tmp_path: Path) -> None:
    registry = ScriptDirectory.from_config(migration_config("sqlite://", "registry"))
    heads = ", ".join(sorted(registry.get_heads()))  # feature chains fork
    every = len(list(registry.walk_revisions()))
    below_older = len(list(registry.iterate_revisions(OLDER, "base")))
    command.upgrade(migration_config(sqlite_url(tmp_path / "data" / "registry.db"),
                                     "registry"), OLDER)

    first = run(["migrate"], tmp_path)
    again = run(["migrate"], tmp_path)

    assert first.returncode == 0, first.stderr
    said = first.stdout.splitlines()
    assert said[0] == f"registry: {OLDER} → {heads} ({every - below_older} steps)"
    assert re.fullmatch(r"ingest: empty → ingest_\w+ \(\d+ steps?\)", said[1]), said
    assert re.fullmatch(r"search: empty → search_\w+ \(\d+ steps?\)", said[2]), said
    assert again.stdout.splitlines()[0] == f"registry: already at {heads}"
    assert all(re.fullmatch(r"(ingest|search): already at \w+", line)
               for line in again.stdout.splitlines()[1:]), again.stdout
