"""Backup and restore benchmark: how fast ``archive backup`` and ``archive restore`` move
an archive of ``--documents`` documents on embedded defaults (SQLite, directory store).

Files the documents first (each an original of its own bytes, ``--size-kb`` on average,
from 40% to 160% of it, and its page text), through the registry's service layer as
ingest's registrations take it (``RegistryServices``; no OCR, which is not measured here),
then serves the archive and waits until search has indexed everything. Then, while the
archive serves (idle):

1. a full backup into an empty directory;
2. an incremental backup after 1% of the documents changed (half of them new documents,
   half re-read: their page text replaced);
3. a restore of that backup into an empty data directory, stage by stage: the databases
   and objects copied back and checked, then the search index rebuilt and the fixity run
   (the restore's own checks, which re-read everything).

Prints a markdown table: seconds, MB of originals per second and documents per second.

Run: ``.venv/bin/python bench/backup.py [--documents 10000] [--size-kb 256] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import httpx
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.backup.backup import run_backup
from services.backup.models import BackupReport
from services.backup.objects import bounded, use_io_threads
from services.backup.restore import run_restore
from services.common.auth import Principal, TokenCodec
from services.common.clock import SystemClock
from services.common.config import Settings, load_settings
from services.common.contracts.registry import NewDocument
from services.common.db import create_engine, migrate
from services.common.objectstore import ObjectStore, open_object_store, original_key
from services.ingest.extraction import PageText
from services.ingest.models import pages_key
from services.registry.bootstrap import RegistryServices
from services.registry.journal.rules import AuditKey
from services.registry.seal import WitnessSeal
from tests.fixtures.app import launch_archive_server

INGEST = Principal(username="service:ingest", roles=("service",), clearance="secret")
SECRET_KEY = "test-secret-key-" + "x" * 32
"""The key ``launch_archive_server`` serves with: the restore needs the same."""
TEXT = ("业主来函反映卫生间天花板渗水，请物业尽快安排维修人员上门查看并处理。" * 12)
STORE_CONCURRENCY = 32
"""Objects stored at once while filing (as many as ``use_io_threads`` gives threads)."""
REGISTER_CONCURRENCY = 8


@dataclass
class Stages:
    """``services.backup.models.Progress`` that records when each stage began."""

    started: list[tuple[str, float]] = field(default_factory=list)

    def stage(self, description: str, *, total: int | None,
              unit: Literal["bytes", "files"]) -> None:
        self.started.append((description, time.perf_counter()))

    def advance(self, amount: int) -> None:
        return None

    def note(self, message: str) -> None:
        print(f"note: {message}", file=sys.stderr)

    def seconds(self, end: float) -> dict[str, float]:
        marks = [*self.started, ("end", end)]
        return {name: later - at for (name, at), (_, later) in itertools.pairwise(marks)}


def environment(root: Path) -> dict[str, str]:
    return {"ARCHIVE_DATA_DIR": str(root), "ARCHIVE_SECRET_KEY": SECRET_KEY,
            "ARCHIVE_OCR_WORKERS": "1", "ARCHIVE_FIXITY_INTERVAL_DAYS": "0"}


async def file_documents(settings: Settings, numbers: range, size_kb: int, seed: int
                         ) -> list[NewDocument]:
    """Store each document's original and page text, then register it: the objects
    first, many at once (each put waits on its fsyncs, which overlap), then the
    registrations, whose SQLite transactions take turns anyway."""
    url = settings.database_url_for("registry")
    await migrate(url, "registry")
    engine = create_engine(url)
    store = open_object_store(settings)
    registry = RegistryServices(engine, SystemClock(), codec=TokenCodec(SECRET_KEY, ttl_s=60),
                                seal=WitnessSeal(SECRET_KEY),
                                audit_key=AuditKey(settings.audit_key_bytes()))
    rng = random.Random(seed)
    sizes = [int(size_kb * 1024 * rng.uniform(0.4, 1.6)) for _ in numbers]
    use_io_threads()
    started = time.perf_counter()

    async def store_one(number: int, size: int) -> NewDocument:
        # Each document's bytes from its own seed: made when stored, not all held at once.
        content = b"%PDF-1.7\n" + random.Random(seed * 1_000_003 + number).randbytes(size)
        sha256 = hashlib.sha256(content).hexdigest()
        await store.put_bytes(original_key(sha256), content, content_type="application/pdf")
        await store.put_bytes(pages_key(sha256), _page(f"{TEXT} 第{number}号"),
                              content_type="application/x-ndjson")
        return NewDocument(
            sha256=sha256, household=f"A-{1 + number % 40:02d}{1 + number % 10:02d}",
            category="repair", title=f"维修记录{number}",
            filed_at=date(2020, 1, 1) + timedelta(days=number % 1500),
            media_type="application/pdf", size_bytes=len(content), pages=1)

    try:
        made: list[NewDocument] = []
        await bounded(list(zip(numbers, sizes, strict=True)),
                      lambda item: _append(made, store_one(*item)), limit=STORE_CONCURRENCY)
        stored = time.perf_counter()
        await bounded(made, lambda new: _registered(registry, new), limit=REGISTER_CONCURRENCY)
    finally:
        await engine.dispose()
    print(f"filing {len(made)}: objects stored in {stored - started:.0f} s, registered in "
          f"{time.perf_counter() - stored:.0f} s", file=sys.stderr)
    return made


async def _append(made: list[NewDocument], new: Awaitable[NewDocument]) -> None:
    made.append(await new)


async def _registered(registry: RegistryServices, new: NewDocument) -> None:
    await registry.catalogue.register(INGEST, new)


async def reread(settings: Settings, documents: list[NewDocument]) -> None:
    """Replace the page text of ``documents``, as a re-reading does."""
    store: ObjectStore = open_object_store(settings)
    for document in documents:
        await store.put_bytes(pages_key(document.sha256), _page(f"{TEXT} 重新识别"),
                              content_type="application/x-ndjson")


def _page(text: str) -> bytes:
    page = PageText(number=1, text=text, confidence=92.0, method="ocr", language="chi_sim",
                    words=(), needs_review=False)
    return msgspec.json.encode(page) + b"\n"


def wait_until_indexed(admin: httpx.Client) -> None:
    """Until search has indexed everything filed (``admin``: to whom /ready says the lag)."""
    while admin.get("/ready").json()["checks"].get("search.consumer") != "lag 0 events":
        time.sleep(1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--size-kb", type=int, default=256)
    parser.add_argument("--keep", type=Path, default=None,
                        help="work in this directory and leave it (default: a temporary one)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-backup-"))
    try:
        report(root, args.documents, args.size_kb)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


def report(root: Path, count: int, size_kb: int) -> None:
    source = load_settings(environment(root / "source"), env_file=None)
    started = time.perf_counter()
    filed = asyncio.run(file_documents(source, range(count), size_kb, seed=1))
    originals_mb = sum(d.size_bytes for d in filed) / 1e6
    print(f"filed {count} documents ({originals_mb:.0f} MB of originals) in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    archive = launch_archive_server(root / "source", ocr_workers=1, fixity_interval_days=0)
    try:
        wait_until_indexed(archive.client(archive.add_user("bench.admin", "admin")))
        print(f"indexed after {time.perf_counter() - started:.0f} s", file=sys.stderr)
        destination = root / "backup"
        full, full_s = timed_backup(archive.settings, destination)
        changed = count // 100
        asyncio.run(file_documents(archive.settings, range(count, count + changed // 2),
                                   size_kb, seed=2))
        asyncio.run(reread(archive.settings, filed[: changed - changed // 2]))
        incremental, incremental_s = timed_backup(archive.settings, destination)
    finally:
        archive.server.stop()
    target = load_settings(environment(root / "restored"), env_file=None)
    stages = Stages()
    begun = time.perf_counter()
    restored = asyncio.run(run_restore(target, str(destination), clock=SystemClock(),
                                       progress=stages))
    seconds = stages.seconds(time.perf_counter())
    show_stages("restore", seconds)
    # The originals are random bytes, not pages: no previews were made for them.
    findings = [f for f in restored.fixity_findings if f["kind"] != "preview_missing"]
    if findings or restored.damaged or restored.fixity_error:
        raise SystemExit(f"the restore is not clean: {restored}")
    copy_s = sum(s for name, s in seconds.items()
                 if name.startswith(("reading", "restoring")))
    index_s = sum(s for name, s in seconds.items() if name.startswith(("starting", "rebuild")))
    fixity_s = seconds.get("checking fixity (documents)", 0.0)
    total_s = time.perf_counter() - begun
    restored_mb = restored.bytes / 1e6
    documents = count + changed // 2
    print(f"\n{count} documents, {originals_mb:.0f} MB of originals (average {size_kb} KB), "
          f"{full.objects} objects\n")
    print("| step | seconds | MB copied | MB/s of originals | documents/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(row("full backup", full_s, full.bytes_copied / 1e6, originals_mb, count))
    print(row(f"incremental backup, {changed} documents changed "
              f"({incremental_s / full_s:.1%} of the full one's time)",
              incremental_s, incremental.bytes_copied / 1e6, originals_mb, count))
    print(row("restore: databases and objects, every SHA-256 checked", copy_s, restored_mb,
              originals_mb, documents))
    print(row("restore: search index rebuilt", index_s, 0, originals_mb, documents))
    print(row("restore: fixity run (every original re-hashed)", fixity_s, 0, originals_mb,
              documents))
    print(row("restore, whole command", total_s, restored_mb, originals_mb, documents))


def timed_backup(settings: Settings, destination: Path) -> tuple[BackupReport, float]:
    stages = Stages()
    started = time.perf_counter()
    report = asyncio.run(run_backup(settings, str(destination), clock=SystemClock(),
                                    progress=stages))
    ended = time.perf_counter()
    show_stages("backup", stages.seconds(ended))
    return report, ended - started


def show_stages(command: str, seconds: dict[str, float]) -> None:
    for name, spent in seconds.items():
        print(f"{command}: {spent:6.1f} s  {name}", file=sys.stderr)


def row(step: str, seconds: float, copied_mb: float, originals_mb: float, documents: int
        ) -> str:
    return (f"| {step} | {seconds:.1f} | {copied_mb:.0f} | {originals_mb / seconds:.0f} | "
            f"{documents / seconds:.0f} |")


if __name__ == "__main__":
    main()
