"""``archive audit verify`` as an operator runs it, on an embedded registry database;
``archive audit list`` as the compliance officer reads who did what from a server.

In-process through click's runner (the whole ``archive`` group, its error handling
included) rather than a subprocess: the same code path, seconds faster per run."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
from click.testing import CliRunner, Result

from services.cli import main
from services.common.clock import FixedClock
from services.common.config import load_settings
from services.common.contracts.registry import NewDocument
from services.common.db import create_engine, migrate
from services.registry.journal.rules import AuditKey
from tests.e2e.registry.conftest import document_body
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.registry import INGEST, registry_services


def _archive_with_filings(data_dir: Path, count: int) -> Path:
    database = data_dir / "registry.db"
    url = f"sqlite+aiosqlite:///{database}"

    async def fill() -> None:
        await migrate(url, "registry")
        engine = create_engine(url)
        key = AuditKey(load_settings({"ARCHIVE_DATA_DIR": str(data_dir)},
                                     env_file=None).audit_key_bytes())
        services = registry_services(engine, FixedClock(datetime(2024, 6, 1, tzinfo=UTC)),
                                     audit_key=key)
        for _ in range(count):
            await services.catalogue.register(INGEST, msgspec.convert(
                document_body(), NewDocument))
        await engine.dispose()

    asyncio.run(fill())
    return database


def _verify(data_dir: Path) -> Result:
    with contextlib.chdir(data_dir):  # no stray .env file is read
        return CliRunner().invoke(main, ["audit", "verify"], env={
            "ARCHIVE_DATA_DIR": str(data_dir), "ARCHIVE_DATABASE_URL": ""})


def test_verify_reports_an_intact_chain_and_exits_zero(tmp_path: Path) -> None:
    _archive_with_filings(tmp_path, 3)
    result = _verify(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "audit log intact: 4 entries checked"


def test_verify_names_the_first_broken_link_of_a_hand_edited_row_and_exits_one(
        tmp_path: Path) -> None:
    database = _archive_with_filings(tmp_path, 3)
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET username = 'nobody' WHERE seq = 3")
    result = _verify(tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "audit log BROKEN at entry 3: entry 3 was edited: its content no longer matches "
        "its keyed hash (HMAC)")


def test_verify_without_a_database_says_where_it_looked(tmp_path: Path) -> None:
    result = _verify(tmp_path)
    assert result.exit_code == 1
    assert "no registry database" in result.stderr
    assert "Traceback" not in result.stderr


server = module_archive_server()
"""The server ``archive audit list`` reads: each test under usernames of its own (only the
first places a hold)."""


def _audit_list(server: ArchiveServer, token: str, cwd: Path, *args: str) -> Result:
    """``archive audit list ARGS`` in this process, as a person at a wide terminal."""
    runner = CliRunner(env={"XDG_CONFIG_HOME": str(cwd / "config"), "COLUMNS": "250",
                            "ARCHIVE_TIME_ZONE": "Asia/Shanghai"})
    return runner.invoke(main, ["audit", "list", *args, "--server", server.url,
                                "--token", token])


def test_audit_list_says_who_did_what_in_the_companys_time_zone(
        server: ArchiveServer, tmp_path: Path) -> None:
    compliance = server.add_user("qian", "compliance")
    staff = server.add_user("li", "staff")
    with server.client(server.service_token()) as client:
        filed = client.post("/registry/documents", json=document_body()).json()
    with server.client(compliance) as client:
        placed = client.post("/registry/holds", json={
            "reason": "诉讼：装修纠纷证据", "documents": [filed["archive_no"]]})
        assert placed.status_code == 201, placed.text
        [logged] = client.get("/registry/audit", params={
            "username": "qian", "action": "hold_placed",
            "document_id": filed["document_id"]}).json()
    at = datetime.fromisoformat(logged["at"]).astimezone(ZoneInfo("Asia/Shanghai"))

    run = _audit_list(server, compliance, tmp_path, "--user", "qian",
                      "--action", "hold_placed", "--document", filed["document_id"])
    assert run.exit_code == 0, run.output
    assert "1 entry" in run.stdout
    row = next(line for line in run.stdout.splitlines() if f" {logged['seq']} " in line)
    for said in (at.strftime("%Y-%m-%d %H:%M:%S"), "qian", "hold_placed", "allowed",
                 filed["document_id"], "reason=诉讼：装修纠纷证据"):
        assert said in row, said

    today = at.date()
    run = _audit_list(server, compliance, tmp_path, "--action", "hold_placed",
                      "--from", str(today), "--to", str(today), "--json")
    assert [entry["seq"] for entry in json.loads(run.stdout)] == [
        logged["seq"] - 1, logged["seq"]]  # the hold's own entry, then the document's
    run = _audit_list(server, compliance, tmp_path, "--action", "hold_placed",
                      "--to", str(today - timedelta(days=1)), "--json")
    assert json.loads(run.stdout) == []

    run = _audit_list(server, compliance, tmp_path, "--limit", "1", "--json")
    [first] = json.loads(run.stdout)
    assert f"more entries follow: add --after {first['seq']}" in run.stderr
    run = _audit_list(server, compliance, tmp_path, "--limit", "1", "--json",
                      "--after", str(first["seq"]))
    assert [entry["seq"] for entry in json.loads(run.stdout)] == [first["seq"] + 1]

    run = _audit_list(server, staff, tmp_path)
    assert (run.exit_code, run.stderr.strip()) == (1, "error: only compliance (合规专员) or "
                                                   "admin (系统管理员) may do this; your "
                                                   "role: staff (员工) (role_required)")


def test_a_role_guards_refusal_is_listed_under_the_routes_action_by_either_name(
        server: ArchiveServer, tmp_path: Path) -> None:
    compliance = server.add_user("qian.sweeps", "compliance")
    staff = server.add_user("li.sweeps", "staff")
    with server.client(staff) as client:
        assert client.post("/registry/sweeps", json={}).status_code == 403
    for asked in ("sweep_started", "startSweep"):
        run = _audit_list(server, compliance, tmp_path, "--action", asked,
                          "--user", "li.sweeps", "--json")
        assert run.exit_code == 0, run.output
        assert [(e["action"], e["outcome"], e["code"]) for e in json.loads(run.stdout)] == [
            ("sweep_started", "refused", "role_required")]
    run = _audit_list(server, compliance, tmp_path, "--refused", "--user", "li.sweeps",
                      "--json")
    assert [(e["action"], e["outcome"]) for e in json.loads(run.stdout)] == [
        ("sweep_started", "refused")]


def test_audit_list_finds_a_document_by_its_archive_number_and_refuses_one_that_names_none(
        server: ArchiveServer, tmp_path: Path) -> None:
    compliance = server.add_user("qian.document", "compliance")
    with server.client(server.service_token()) as client:
        filed = client.post("/registry/documents", json=document_body()).json()

    run = _audit_list(server, compliance, tmp_path, "--document",
                      filed["archive_no"].lower(), "--json")
    assert run.exit_code == 0, run.output
    assert [(entry["action"], entry["document_id"]) for entry in json.loads(run.stdout)] == [
        ("filed", filed["document_id"])]

    run = _audit_list(server, compliance, tmp_path, "--document",
                      "2026-complaint-A-1201-0001")
    assert run.exit_code == 1
    assert "no document 2026-complaint-A-1201-0001" in run.stderr
    assert "archive number" in run.stderr
    assert "unknown_document" in run.stderr
