"""What ``archive restore`` prints: its times in the archive's zone (``ARCHIVE_TIME_ZONE``),
the same zone as the audit report printed after it; and what to start the restored
archive with."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.backup.models import RestoreReport
from services.cli.backup import how_to_start, show_restore
from services.common.config import Settings


def test_the_restore_says_when_the_backup_began_in_the_archives_zone(
        capsys: pytest.CaptureFixture[str]) -> None:
    report = RestoreReport(
        generation="g1", source="/mnt/backup", began_at=datetime(2026, 12, 6, 9, 32, tzinfo=UTC),
        unfinished_uploads=0, databases=3, objects=10, bytes=1000, left_out=0, damaged=[],
        documents_indexed=None, fixity_run=None, fixity_findings=[], fixity_error=None)
    show_restore(report, ZoneInfo("Asia/Shanghai"))
    said = capsys.readouterr().out
    assert ("the archive as it was when that backup began, 2026-12-06 17:32 Asia/Shanghai: "
            "file again what was filed after it") in said
    assert "UTC" not in said


def test_a_restored_embedded_archive_is_started_with_serve(tmp_path: Path) -> None:
    assert how_to_start(Settings(data_dir=tmp_path)) == "Start it with 'archive serve'."


def test_a_restored_postgresql_archive_is_started_with_serve_and_workers(
        tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path,
                        database_url="postgresql+asyncpg://archive:pw@db/archive")
    said = how_to_start(settings)
    # Before: "Start it with 'archive serve'." only, and its uploads stayed queued.
    assert said.startswith("Start it with 'archive serve' and 'archive worker' (one or more")
    assert "on PostgreSQL the server reads no uploads itself" in said
