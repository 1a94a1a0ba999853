"""Worker names tell a dead process of this host from a live one (issue 14, item 9)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import replace

from services.ingest.owners import WorkerName, died_here, process_start


def test_a_worker_of_this_process_is_alive() -> None:
    assert not died_here(str(WorkerName.new()))


def test_a_worker_of_a_process_that_ended_died_here() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        start = process_start(child.pid)
        assert start is not None
    finally:
        child.kill()
        child.wait()
    name = WorkerName(host=socket.gethostname(), pid=child.pid, start=start, instance="x")
    assert died_here(str(name))


def test_a_worker_whose_pid_now_belongs_to_a_later_process_died_here() -> None:
    earlier = replace(WorkerName.new(), start="1")  # this pid, started at another time
    assert died_here(str(earlier))


def test_a_worker_of_another_host_is_never_judged_dead_here() -> None:
    elsewhere = replace(WorkerName.new(), host=socket.gethostname() + "-other", pid=2**22 + 1)
    assert not died_here(str(elsewhere))


def test_a_name_that_is_not_a_worker_name_is_never_judged_dead() -> None:
    assert not died_here("old-style-name")
    assert not died_here(f"{socket.gethostname()}:{os.getpid()}:x")
