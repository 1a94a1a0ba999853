"""A downloaded object is written to a file made for it (``write_new_file``), both
stores alike: its SHA-256 and size answered, a file already at the path never overwritten."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from services.common.objectstore import write_new_file


def test_the_pieces_are_written_in_order_with_their_sha256_and_size(tmp_path: Path) -> None:
    target = tmp_path / "original.pdf"
    answered = write_new_file(target, iter([b"%PDF-1.4\n", b"", b"%%EOF\n"]))
    assert target.read_bytes() == b"%PDF-1.4\n%%EOF\n"
    assert answered == (hashlib.sha256(b"%PDF-1.4\n%%EOF\n").hexdigest(), 15)


def test_a_file_already_at_the_path_is_left_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "original.pdf"
    target.write_bytes(b"kept")
    with pytest.raises(FileExistsError):
        write_new_file(target, iter([b"other"]))
    assert target.read_bytes() == b"kept"
