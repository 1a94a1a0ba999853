"""Who holds a job's lease: a worker's name says which process on which host it runs in,
so a worker that starts can tell the leases of dead processes on its own host from live
ones and take those jobs back at once, instead of after their lease (issue 14, item 9).

A name is ``host:pid:start:instance``. ``start`` is the process's start time from
``/proc/<pid>/stat`` (clock ticks since boot), so a pid reused by a later process, such
as a server restarted as pid 1 in its container, does not pass for the dead one. Where
``/proc`` is missing the start is ``?`` and no process is ever judged dead (leases then
simply expire).
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

UNKNOWN_START = "?"


def process_start(pid: int) -> str | None:
    """When process ``pid`` started (ticks since boot); ``None`` if there is no such process,
    ``UNKNOWN_START`` where the system does not say."""
    if not Path("/proc/self/stat").exists():
        return UNKNOWN_START
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # Fields after the command name, which is in parentheses and may hold spaces; the
    # start time is field 22 of the line, the 20th after the name.
    return stat[stat.rindex(")") + 2:].split()[19]


@dataclass(frozen=True)
class WorkerName:
    host: str
    pid: int
    start: str
    instance: str

    @classmethod
    def new(cls) -> WorkerName:
        """A name for a worker in this process."""
        pid = os.getpid()
        return cls(host=socket.gethostname(), pid=pid,
                   start=process_start(pid) or UNKNOWN_START, instance=uuid.uuid4().hex[:8])

    @classmethod
    def parse(cls, text: str) -> WorkerName | None:
        parts = text.split(":")
        if len(parts) != 4 or not parts[1].isdigit():
            return None
        return cls(host=parts[0], pid=int(parts[1]), start=parts[2], instance=parts[3])

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.start}:{self.instance}"

    def died_here(self) -> bool:
        """True if this worker's process ran on this host and runs no longer."""
        if self.host != socket.gethostname() or self.start == UNKNOWN_START:
            return False
        return process_start(self.pid) != self.start


def died_here(owner: str) -> bool:
    """Whether the worker named ``owner`` was a process on this host that has ended."""
    name = WorkerName.parse(owner)
    return name is not None and name.died_here()
