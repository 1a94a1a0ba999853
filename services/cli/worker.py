"""``archive worker``: ingest workers on their own (scale-out mode)."""

from __future__ import annotations

import asyncio
import signal
from contextlib import nullcontext

import click

from services.cli.client import DEFAULT_SERVER
from services.common.auth import TokenCodec
from services.common.clock import SystemClock
from services.common.config import load_settings
from services.common.in_use import using
from services.common.logs import configure_logging


@click.command()
@click.option("--concurrency", type=click.IntRange(1, 256), default=None,
              help="Documents extracted at once, one process each "
                   "(default: ARCHIVE_OCR_WORKERS, else the number of cores).")
def worker(concurrency: int | None) -> None:
    """Run ingest workers: claim jobs, extract text (OCR), register documents.

    They share the job table with the servers (ARCHIVE_DATABASE_URL) and the object
    store; documents are registered at ARCHIVE_REGISTRY_URL (set it: the default is a
    server on this host, http://127.0.0.1:8000). While the database or the registry cannot
    be reached (also at start) they wait and try again, keeping their jobs. Stop with
    Ctrl-C: the jobs in hand are handed back for another worker. On embedded data, no
    'archive migrate' or 'archive restore' runs on the data directory meanwhile.
    """
    settings = load_settings()
    configure_logging(settings.log_level)
    # Here, not at the top: 'archive --help' loads this module (the OCR engines load cv2).
    from services.ingest.bootstrap import ocr_processes, run_workers

    registry_url = settings.registry_url or DEFAULT_SERVER
    click.echo(f"archive: {concurrency or ocr_processes(settings)} ingest workers, "
               f"registering at {registry_url}", err=True)
    from services.common.clients.registry import check_registry_address

    warning = asyncio.run(check_registry_address(registry_url))
    if warning is not None and settings.registry_url is None:
        click.echo(f"warning: ARCHIVE_REGISTRY_URL is not set and nothing answers at "
                   f"{registry_url}: jobs will wait there, extracted but not filed, until a "
                   "server answers. Set ARCHIVE_REGISTRY_URL to the address of the "
                   "'archive serve' that takes the uploads, then start the worker again.", err=True)
    elif warning is not None:
        click.echo(f"warning: {warning}", err=True)
    codec = TokenCodec(settings.signing_key(shared=not settings.embedded),
                       ttl_s=settings.token_ttl_s)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_workers(settings, codec, SystemClock(settings.time_zone),
                          registry_url=registry_url, stop=stop, concurrency=concurrency)

    with using(settings.data_dir, "archive worker") if settings.embedded else nullcontext():
        asyncio.run(main())
