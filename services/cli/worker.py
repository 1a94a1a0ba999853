"""``archive worker``: ingest workers on their own (scale-out mode)."""

from __future__ import annotations

import asyncio
import signal

import click

from services.cli.client import DEFAULT_SERVER
from services.common.auth import TokenCodec
from services.common.clock import SystemClock
from services.common.config import load_settings
from services.common.logs import configure_logging
from services.ingest.bootstrap import ocr_processes, run_workers


@click.command()
@click.option("--concurrency", type=click.IntRange(1, 256), default=None,
              help="Documents extracted at once, one process each "
                   "(default: ARCHIVE_OCR_WORKERS, else the number of cores).")
def worker(concurrency: int | None) -> None:
    """Run ingest workers: claim jobs, extract text (OCR), register documents.

    They share the job table with the servers (ARCHIVE_DATABASE_URL) and the object
    store; documents are registered at ARCHIVE_REGISTRY_URL. While the database cannot
    be reached they wait and try again. Stop with Ctrl-C: the jobs in hand are handed
    back for another worker.
    """
    settings = load_settings()
    configure_logging(settings.log_level)
    registry_url = settings.registry_url or DEFAULT_SERVER
    click.echo(f"archive: {concurrency or ocr_processes(settings)} ingest workers, "
               f"registering at {registry_url}", err=True)
    codec = TokenCodec(settings.signing_key(), ttl_s=settings.token_ttl_s)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_workers(settings, codec, SystemClock(settings.time_zone),
                          registry_url=registry_url, stop=stop, concurrency=concurrency)

    asyncio.run(main())
