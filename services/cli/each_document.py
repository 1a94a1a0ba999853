"""What ``archive derive`` and ``archive reocr`` share: ask ingest to do something to each
filed document, a few at a time, with a progress bar; then list what failed and say how to
retry it."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from services.cli.client import Api
from services.cli.terminal import counting
from services.common.contracts.registry import DocumentRecord
from services.common.errors import ArchiveError

IN_FLIGHT = 2
"""Documents in ingest's hands at once: both of a small server's extraction processes
stay busy."""

R = TypeVar("R")


def ask_each(api: Api, documents: list[DocumentRecord], *, action: str, doing: str,
             ask: Callable[[DocumentRecord], Awaitable[R]], outcome: Callable[[R], str]
             ) -> tuple[Counter[str], list[str]]:
    """``ask`` ingest about each of ``documents``, ``IN_FLIGHT`` at a time, shown as
    ``doing``: how many answers had each ``outcome``, and the documents refused or failed
    (``archive_no: why``), the others carried on."""
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    with counting(doing, "documents") as progress:
        task = progress.add_task(action, total=len(documents))
        in_flight = asyncio.Semaphore(IN_FLIGHT)

        async def one(record: DocumentRecord) -> None:
            async with in_flight:
                try:
                    outcomes[outcome(await ask(record))] += 1
                except ArchiveError as exc:
                    failures.append(f"{record.archive_no}: {exc.explained}")
            progress.advance(task)

        async def every() -> None:
            await asyncio.gather(*(one(record) for record in documents))

        api.run(every())
    return outcomes, failures


def exit_on_failures(failures: list[str], *, to_retry: str) -> None:
    """List ``failures`` and, if there were any, say what to do ``to_retry`` them and exit
    with status 1."""
    for failure in failures:
        click.echo(f"failed: {failure}", err=True)
    if failures:
        click.echo(to_retry, err=True)
        sys.exit(1)
