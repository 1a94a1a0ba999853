"""Files that survive a crash. What is written goes to a private temporary file beside its
target, is fsynced, and only then takes the target's name, the directory fsynced after: a
reader finds the old content or the new one whole, never a part, and after a power cut
the new name is not lost (ext4 can otherwise leave a zero-length file). Keys, the saved
login, the local object store, the backup and the search index's pointer to its live
generation are written this way."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")


def fsync_file(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def fsync_directory(directory: Path) -> None:
    """Make the names in ``directory`` (a file created, renamed or removed) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(staged: Path, target: Path) -> None:
    """Rename ``staged`` (written and fsynced) onto ``target``, durably."""
    os.replace(staged, target)
    fsync_directory(target.parent)


def write_durably(target: Path, data: bytes) -> None:
    """``target`` holds ``data`` (readable by its owner only), replacing what it held."""
    replace_durably(_staged(target, data), target)


def create_durably(target: Path, data: bytes) -> bool:
    """``target`` made to hold ``data`` (readable by its owner only), unless it exists:
    False then, and it is left as it is (another process may have made it first)."""
    staged = _staged(target, data)
    try:
        os.link(staged, target)
    except FileExistsError:
        return False
    finally:
        staged.unlink()
    fsync_directory(target.parent)
    return True


def stage(directory: Path, fill: Callable[[BinaryIO], T], *, prefix: str | None = None
          ) -> tuple[Path, T]:
    """A new file in ``directory`` (readable by its owner only, its name ending ``.part``)
    that ``fill`` wrote, fsynced, and what ``fill`` returned; nothing is left of it when
    writing fails. Its name is then given to it with ``replace_durably`` or a link."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            filled = fill(out)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), filled


def _staged(target: Path, data: bytes) -> Path:
    path, _ = stage(target.parent, lambda out: out.write(data), prefix=f".{target.name}.")
    return path
