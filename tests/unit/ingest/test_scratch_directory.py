"""The local copies of a re-reading, a derivation or a correction (``scratch_directory``)
are removed when the work ends, whether it succeeded or failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.errors import DependencyUnavailable
from services.ingest.derived import scratch_directory


async def test_scratch_directory_is_removed_with_its_files_when_the_work_is_done(
        tmp_path: Path) -> None:
    async with scratch_directory(tmp_path, "reocr") as work:
        (work / "previews").mkdir()
        (work / "previews" / "0001.webp").write_bytes(b"webp")
        assert work.parent == tmp_path
        assert work.name.startswith("reocr-")
    assert list(tmp_path.iterdir()) == []


async def _fail_in(scratch_dir: Path) -> None:
    async with scratch_directory(scratch_dir, "derive") as work:
        (work / "original").write_bytes(b"%PDF")
        raise DependencyUnavailable("the extraction process died")


async def test_scratch_directory_is_removed_when_the_work_fails(tmp_path: Path) -> None:
    with pytest.raises(DependencyUnavailable):
        await _fail_in(tmp_path)
    assert list(tmp_path.iterdir()) == []


async def test_each_piece_of_work_gets_a_directory_of_its_own(tmp_path: Path) -> None:
    async with scratch_directory(tmp_path, "correct") as first, \
            scratch_directory(tmp_path, "correct") as second:
        assert first != second
        assert sorted(tmp_path.iterdir()) == sorted([first, second])
