"""``archive audit verify`` as an operator runs it, on an embedded registry database.

In-process through click's runner (the whole ``archive`` group, its error handling
included) rather than a subprocess: the same code path, seconds faster per run."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from click.testing import CliRunner, Result

from services.cli import main
from services.common.clock import FixedClock
from services.common.config import load_settings
from services.common.contracts.registry import NewDocument
from services.common.db import create_engine, migrate
from services.registry.journal.rules import AuditKey
from tests.e2e.registry.conftest import document_body
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
