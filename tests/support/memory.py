"""Where the suite keeps the files its tests write: in memory (tmpfs) when there is room.

The tests make thousands of databases and data directories and remove them again: SQLite
with ``synchronous=FULL`` and PostgreSQL sync every commit, and on this machine's disk
creating a database from a migrated template took 0.5 s, dropping one 2.8 s (0.1 s each
in memory), and a directory's files a millisecond or more each to remove. The programs
under test are the same wherever their files are; only a power cut, which no test makes,
would tell the difference.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MEMORY_DIRECTORY = Path("/dev/shm")
MEMORY_NEEDED = 8 * 2**30
"""Free memory the directory must offer: a full run writes under 1 GB of files beside its
PostgreSQL clusters (~100 MB each), and pytest keeps the last three runs' files."""


def in_memory() -> Path | None:
    """The tmpfs directory to keep test files in, or None (the system's temp directory)
    where there is none or it has too little room."""
    if MEMORY_DIRECTORY.is_dir() and shutil.disk_usage(MEMORY_DIRECTORY).free >= MEMORY_NEEDED:
        return MEMORY_DIRECTORY
    return None
