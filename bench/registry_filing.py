"""Benchmark filing through the registry's service layer, and the reads that follow it.

    .venv/bin/python bench/registry_filing.py                       # 100 000 on SQLite
    .venv/bin/python bench/registry_filing.py --docs 20000
    .venv/bin/python bench/registry_filing.py --database-url postgresql+asyncpg://u@h/db

Files ``--docs`` documents with ``CatalogueService.register`` (the path ingest's
registrations take, minus HTTP), ``--concurrency`` at a time, spread over households of
about ``--per-household`` documents each, across categories, years and security levels.
Each filing is one transaction: archive number, record, first version, feed event and
audit entry. Then it times reading a household's whole file (``list_file``) and a page of
500 feed events (``changes``) at random places, ``--reads`` times each, and the two reads
of the whole catalogue (the fixity check's archive-number check and this year's
statistics) a tenth as often, and prints a markdown table. SQLite runs on a fresh file
in a temporary directory with the same durability settings as production (WAL,
``synchronous=FULL``); a PostgreSQL URL must name an empty database, which the benchmark
migrates.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from services.common.auth import Principal, TokenCodec
from services.common.clock import SystemClock
from services.common.contracts.registry import NewDocument
from services.common.db import create_engine, migrate
from services.common.models import CATEGORIES
from services.registry.bootstrap import RegistryServices
from services.registry.seal import WitnessSeal

BENCH_KEY = "bench-" + "k" * 32
INGEST = Principal(username="service:ingest", roles=("service",), clearance="secret")
READER = Principal(username="bench", roles=("staff",), clearance="confidential")
TITLES = ["关于空调漏水的函", "二次装修申请表", "物业管理费缴费收据", "紧急联络人登记表",
          "门禁卡补办申请", "租赁合同", "报修记录", "投诉处理记录", "回访记录"]


def documents(count: int, per_household: int, seed: int) -> list[NewDocument]:
    rng = random.Random(seed)
    households = [f"{building}-{floor:02d}{unit:02d}" for building in "ABCDEFGH"
                  for floor in range(1, 41) for unit in range(1, 11)]
    used = households[:max(1, count // per_household)]
    made = []
    for _ in range(count):
        category = rng.choice([c for c in CATEGORIES if c != "policy"])
        made.append(NewDocument(
            sha256=uuid.uuid4().hex + uuid.uuid4().hex, household=rng.choice(used),
            category=category, title=rng.choice(TITLES),
            filed_at=date(2005, 1, 1) + timedelta(days=rng.randrange(20 * 365)),
            security=rng.choices(["ordinary", "confidential", "secret"], [90, 8, 2])[0],
            personal_info=rng.random() < 0.1, media_type="application/pdf",
            size_bytes=rng.randint(20_000, 5_000_000), pages=rng.randint(1, 12),
        ))
    return made


async def file_all(services: RegistryServices, batch: list[NewDocument], concurrency: int
                   ) -> float:
    """Seconds to file ``batch``, ``concurrency`` filings in flight."""
    queue: asyncio.Queue[NewDocument] = asyncio.Queue()
    for document in batch:
        queue.put_nowait(document)
    with Progress("filing", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as bar:
        task = bar.add_task("filing", total=len(batch))

        async def worker() -> None:
            while not queue.empty():
                await services.catalogue.register(INGEST, queue.get_nowait())
                bar.advance(task)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


async def p50_ms(reads: int, read: Callable[[], Awaitable[object]]) -> float:
    timings = []
    for _ in range(reads):
        started = time.perf_counter()
        await read()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def run(url: str, args: argparse.Namespace) -> str:
    await migrate(url, "registry")
    engine = create_engine(url)
    services = RegistryServices(engine, SystemClock(), codec=TokenCodec(BENCH_KEY, ttl_s=60),
                                seal=WitnessSeal(BENCH_KEY))
    batch = documents(args.docs, args.per_household, args.seed)
    try:
        seconds = await file_all(services, batch, args.concurrency)
        rng = random.Random(args.seed)
        households = sorted({d.household for d in batch if d.household})
        file_ms = await p50_ms(args.reads, lambda: services.catalogue.list_file(
            READER, household=rng.choice(households), limit=1000, offset=0))
        head = (await services.journal.changes(INGEST, after=0, limit=1)).head
        feed_ms = await p50_ms(args.reads, lambda: services.journal.changes(
            INGEST, after=rng.randrange(max(1, head - 500)), limit=500))
        whole_reads = max(3, args.reads // 10)
        numbers_ms = await p50_ms(whole_reads, services.fixity.numbering)
        statistics_ms = await p50_ms(whole_reads, services.statistics.year)
    finally:
        await engine.dispose()
    return (f"| {engine.dialect.name} | {args.docs:,} | {args.concurrency} | "
            f"{args.docs / seconds:,.0f} | {len(households):,} | {file_ms:.1f} | "
            f"{feed_ms:.1f} | {numbers_ms:.0f} | {statistics_ms:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--database-url", default=None,
                        help="an empty PostgreSQL database (default: a fresh SQLite file)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--per-household", type=int, default=50)
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'registry.db'}"
        row = asyncio.run(run(url, args))
    print(f"registry filing benchmark, {datetime.now(UTC):%Y-%m-%d}\n")
    print("| engine | documents | concurrency | filings/s | households "
          "| household file p50 (ms) | feed page of 500 p50 (ms) "
          "| archive-number check p50 (ms) | year statistics p50 (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(row)


if __name__ == "__main__":
    main()
