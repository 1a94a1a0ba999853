"""What ``archive restore`` prints: its times in the archive's zone (``ARCHIVE_TIME_ZONE``),
the same zone as the audit report printed after it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.backup.models import RestoreReport
from services.cli.backup import show_restore


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
