"""Keys, the saved login and the index's pointer are written whole or not at all, readable
by their owner only; a key made by another process first is kept; an empty key file (cut
short before the archive wrote keys durably) stops start-up instead of signing with "".
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import BinaryIO

import pytest

from services.common.config import Settings
from services.common.durable import create_durably, stage, write_durably
from services.common.errors import ConfigError


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_written_durably_replaces_the_old_one_whole_and_leaves_no_part(
        tmp_path: Path) -> None:
    target = tmp_path / "keys" / "CURRENT"
    write_durably(target, b"gen-000001\n")
    write_durably(target, b"gen-000002\n")
    assert target.read_bytes() == b"gen-000002\n"
    assert _mode(target) == 0o600
    assert sorted(path.name for path in target.parent.iterdir()) == ["CURRENT"]


def test_a_staged_file_holds_what_was_written_and_answers_what_the_writer_returned(
        tmp_path: Path) -> None:
    staged, written = stage(tmp_path / "tmp", lambda out: out.write(b"page 1"))
    assert (staged.parent, staged.suffix, staged.read_bytes(), written) == (
        tmp_path / "tmp", ".part", b"page 1", 6)
    assert _mode(staged) == 0o600


def test_a_file_whose_writing_fails_is_not_left_staged(tmp_path: Path) -> None:
    def cut_short(out: BinaryIO) -> None:
        out.write(b"half a pa")
        raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space left"):
        stage(tmp_path, cut_short)
    assert list(tmp_path.iterdir()) == []


def test_a_file_made_durably_is_not_made_again_over_one_already_there(tmp_path: Path) -> None:
    target = tmp_path / "secret_key"
    assert create_durably(target, b"first")
    assert not create_durably(target, b"second")
    assert target.read_bytes() == b"first"
    assert _mode(target) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["secret_key"]


def test_the_kept_keys_are_made_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    signing, audit = settings.signing_key(), settings.audit_key_bytes()
    assert len(signing) >= 48
    assert len(audit) >= 48
    assert signing.encode() != audit
    assert Settings(data_dir=tmp_path).signing_key() == signing
    assert Settings(data_dir=tmp_path).audit_key_bytes() == audit
    assert _mode(settings.secret_key_file) == _mode(settings.audit_key_file) == 0o600


def test_an_empty_key_file_stops_the_archive_with_what_to_do(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    settings.secret_key_file.write_text("")
    with pytest.raises(ConfigError, match=r"secret_key is empty.*restore it from the last backup"):
        settings.signing_key()
