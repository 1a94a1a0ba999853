"""Who is using an embedded data directory (``ARCHIVE_DATA_DIR``), so that an upgrade or a
restore does not change the files under a running archive.

``archive serve`` and ``archive worker`` on embedded data hold a shared ``flock`` on the
data directory itself for as long as they run (``using``); ``archive migrate`` and
``archive restore`` need it to themselves (``to_itself``) and are refused while anyone
holds it. The kernel drops a process's lock when the process ends, however it ends: there
is no lock file to leave behind or clean up.

Releases before this file existed hold no such lock; their search service holds another
for its lifetime (Tantivy's writer lock, a ``flock`` too), which ``older`` lets a caller
test as well. Who holds a lock is read from ``/proc/locks`` (Linux); elsewhere the
refusal says "another process".
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from services.common.errors import Conflict

PROC_LOCKS = Path("/proc/locks")
COMMAND_SHOWN_CHARS = 100
"""A holder's command line is cut there: enough to tell ``archive serve`` from a worker."""


@contextmanager
def using(data_dir: Path, command: str, *, older: Sequence[Path] = ()) -> Iterator[None]:
    """Hold ``data_dir`` shared while the block runs (``archive serve``, ``archive
    worker``); ``Conflict`` (``data_dir_in_use``) if a migrate or restore has it, or if a
    process holds one of the ``older`` lock files."""
    with _locked(data_dir, command, fcntl.LOCK_SH, older):
        yield


@contextmanager
def to_itself(data_dir: Path, command: str, *, older: Sequence[Path] = ()) -> Iterator[None]:
    """Hold ``data_dir`` alone while the block runs (``archive migrate``, ``archive
    restore``); ``Conflict`` (``data_dir_in_use``) if any process uses it."""
    with _locked(data_dir, command, fcntl.LOCK_EX, older):
        yield


@contextmanager
def to_itself_once_written(data_dir: Path, command: str, *, older: Sequence[Path] = ()
                           ) -> Iterator[Callable[[], None]]:
    """``to_itself`` for a command that must leave a data directory as it found it when it
    is refused (``archive restore``, which refuses a missing backup or a target not empty
    before it writes): a directory that exists is held at once; one that does not is made
    and held only when the command calls what this yields, just before its first write.
    Nobody uses a directory that does not exist; one that an ``archive serve`` makes
    meanwhile is refused then (``data_dir_in_use``), before anything is written."""
    with ExitStack() as held:
        holding = False

        def hold() -> None:
            nonlocal holding
            if not holding:
                held.enter_context(to_itself(data_dir, command, older=older))
                holding = True

        if data_dir.is_dir():
            hold()
        yield hold


@contextmanager
def _locked(data_dir: Path, command: str, mode: int, older: Sequence[Path]) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    held = os.open(data_dir, os.O_RDONLY)
    try:
        if not _try_lock(held, mode):
            raise _in_use(data_dir, data_dir, command)
        for path in older:
            _refuse_if_held(data_dir, path, command)
        yield
    finally:
        os.close(held)


def _try_lock(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _refuse_if_held(data_dir: Path, path: Path, command: str) -> None:
    """Test another program's lock file without creating it; let it go at once."""
    try:
        probe = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        if not _try_lock(probe, fcntl.LOCK_SH):
            raise _in_use(data_dir, path, command)
    finally:
        os.close(probe)  # closing lets a lock taken go


def _in_use(data_dir: Path, lock: Path, command: str) -> Conflict:
    holders = [_described(pid) for pid in holders_of(lock)]
    who = ", ".join(holders) if holders else "another process"
    return Conflict(f"{who} is using the data directory {data_dir}: stop it first (or wait "
                    f"until it ends), then run '{command}' again", code="data_dir_in_use")


def holders_of(path: Path) -> list[int]:
    """The processes holding a ``flock`` on ``path`` (not this one), as ``/proc/locks``
    lists them; none where it cannot be read."""
    try:
        inode = path.stat().st_ino
        lines = PROC_LOCKS.read_text().splitlines()
    except OSError:
        return []
    pids = []
    for line in lines:
        # "3: FLOCK  ADVISORY  WRITE 23045 fe:00:2483463 0 EOF"; a waiter's has "->".
        # By inode alone: an overlay file system shows another device there than stat.
        fields = line.split()
        if len(fields) < 6 or fields[1] != "FLOCK":
            continue
        if fields[5].rsplit(":", 1)[-1] == str(inode) and int(fields[4]) != os.getpid():
            pids.append(int(fields[4]))
    return sorted(set(pids))


def _described(pid: int) -> str:
    """``process 23045 (archive serve --port 8000)``, or its number alone."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    except OSError:
        return f"process {pid}"
    words = [Path(argv[0].decode(errors="replace")).name,
             *(arg.decode(errors="replace") for arg in argv[1:])]
    shown = " ".join(" ".join(words).split())  # one line, whatever the arguments hold
    return f"process {pid} ({shown[:COMMAND_SHOWN_CHARS]})"
