"""What ``archive derive`` and ``archive reocr`` share: ask ingest to do something to each
filed document, a few at a time, with a progress bar; then list what failed and say how to
retry it."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import click

from services.cli.client import Api
from services.cli.terminal import counting

IN_FLIGHT = 2
"""Documents in ingest's hands at once: both of a small server's extraction processes
stay busy."""


def post_each(api: Api, documents: list[dict[str, Any]], *, action: str,
              body: dict[str, Any], timeout_s: float, doing: str,
              outcome: Callable[[dict[str, Any]], str]) -> tuple[Counter[str], list[str]]:
    """``POST /ingest/documents/{id}/{action}`` with ``body`` for each of ``documents``,
    shown as ``doing``: how many answers had each ``outcome``, and the failures
    (``archive_no: why``)."""
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    with counting(doing, "documents") as progress:
        task = progress.add_task(action, total=len(documents))

        def one(record: dict[str, Any]) -> None:
            try:
                result = api.json("POST", f"/ingest/documents/{record['document_id']}/{action}",
                                  json=body, timeout=timeout_s)
                outcomes[outcome(result)] += 1
            except click.ClickException as exc:
                failures.append(f"{record['archive_no']}: {exc.message}")
            progress.advance(task)

        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            list(pool.map(one, documents))
    return outcomes, failures


def exit_on_failures(failures: list[str], *, to_retry: str) -> None:
    """List ``failures`` and, if there were any, say what to do ``to_retry`` them and exit
    with status 1."""
    for failure in failures:
        click.echo(f"failed: {failure}", err=True)
    if failures:
        click.echo(to_retry, err=True)
        sys.exit(1)
