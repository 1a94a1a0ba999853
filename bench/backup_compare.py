"""Backup and restore-copy stages of one archive already filed, with the code of a given
checkout: to compare two versions alternately on a shared machine, where filing the
documents again for each run (``backup.py``) takes minutes and the load changes.

Make the archive once with ``backup.py --keep DIR`` (its ``DIR/source``), and another
checkout's code with ``git archive main | tar -x -C /tmp/main``. Each run: a full backup
into an empty directory; 10 documents filed and their page texts replaced, then an
incremental backup; the restore of the databases and objects (every SHA-256 checked)
into an empty data directory, without the index rebuild and fixity run that
``backup.py`` times. Prints wall seconds, MB/s of originals and the process's CPU
seconds (steadier than wall time under load). The source grows by 10 documents a run.

Run: ``.venv/bin/python bench/backup_compare.py CODE SOURCE WORK RUN`` (``CODE`` the
checkout's root, ``RUN`` a number different for each run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

T = TypeVar("T")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(run: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = run()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("code", help="the checkout whose code runs (its root)")
    parser.add_argument("source", type=Path, help="the archive made by backup.py --keep DIR")
    parser.add_argument("work", type=Path, help="a directory for this run's copies")
    parser.add_argument("run", type=int, help="a number different for each run")
    arguments = parser.parse_args()
    code, source, work, number = arguments.code, arguments.source, arguments.work, arguments.run
    sys.path[:0] = [code, f"{code}/bench"]
    import backup as bench  # that checkout's bench/backup.py

    import services.backup.restore as restore
    from services.backup.backup import run_backup
    from services.common.clock import SystemClock
    from services.common.config import load_settings

    async def unverified(*_: Any, **__: Any) -> Any:
        return SimpleNamespace(documents_indexed=None, fixity_run=None, fixity_findings=[],
                               error=None)

    restore.verify_restored = unverified  # the copy is measured, not the index rebuild

    settings = load_settings(bench.environment(source), env_file=None)
    destination, target = work / f"backup-{number}", work / f"restored-{number}"
    for place in (destination, target):
        shutil.rmtree(place, ignore_errors=True)

    def backup() -> Any:
        return asyncio.run(run_backup(settings, str(destination), clock=SystemClock()))

    full, full_s, full_cpu = measured(backup)
    filed = asyncio.run(bench.file_documents(
        settings, range(1_000_000 + 10 * number, 1_000_010 + 10 * number), 256, seed=number))
    asyncio.run(bench.reread(settings, filed))
    incremental, incremental_s, incremental_cpu = measured(backup)
    restored, restore_s, restore_cpu = measured(lambda: asyncio.run(restore.run_restore(
        load_settings(bench.environment(target), env_file=None), str(destination),
        clock=SystemClock())))
    megabytes = full.bytes_total / 1e6
    print(f"{code}: load {os.getloadavg()[0]:.1f}; full {full_s:.1f} s "
          f"({megabytes / full_s:.0f} MB/s, {full.objects} objects, CPU {full_cpu:.1f} s); "
          f"incremental {incremental_s:.2f} s ({incremental.objects_copied} copied, "
          f"{incremental_s / full_s:.1%} of the full, CPU {incremental_cpu:.2f} s); "
          f"restore copy {restore_s:.1f} s ({restored.bytes / 1e6 / restore_s:.0f} MB/s, "
          f"CPU {restore_cpu:.1f} s, {len(restored.damaged)} damaged)")
    for place in (destination, target):
        shutil.rmtree(place, ignore_errors=True)


if __name__ == "__main__":
    main()
