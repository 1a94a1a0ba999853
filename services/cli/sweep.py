"""``archive sweep``: start a retention sweep (登记造册, R2) and print its items.

The items are every document due by ``--as-of`` (default today) that is not permanent,
held, on loan or already in a sweep. ``--dry-run`` shows the list and records nothing;
nor is anything recorded when nothing is due, which the command says. The items are
then appraised and approved on the sweep's page (``/ui/sweeps/{sweep_id}``).
"""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from services.cli.client import Api, api_options
from services.cli.named import CATEGORY, DAY
from services.cli.terminal import category_name, counted, tables
from services.common.contracts.retention import SweepItem, SweepRequest
from services.common.errors import Conflict
from services.common.models import Category


@click.command()
@click.option("--as-of", "as_of", type=DAY, default=None,
              help="List documents due on or before this date (default: today).")
@click.option("--category", "categories", multiple=True, type=CATEGORY,
              help="Only these categories; repeat for several.")
@click.option("--dry-run", is_flag=True, help="Show what would be swept; record nothing.")
@api_options
def sweep(api: Api, as_of: datetime | None, categories: tuple[Category, ...],
          dry_run: bool) -> None:
    """Start a retention sweep and print its items as a table."""
    request = SweepRequest(as_of=as_of.date() if as_of is not None else None,
                           categories=list(categories) or None, dry_run=dry_run)
    try:
        result = api.run(api.registry.start_sweep(api.token, request))
    except Conflict as exc:
        if exc.code != "nothing_due":
            raise
        click.echo(f"nothing is due by {exc.extra['as_of']}; no sweep was recorded")
        _left_on_loan(exc.extra.get("left_on_loan") or [])
        return
    console = tables()
    if result.items:
        console.print(_table(result.items))
    due = counted(len(result.items), "document")
    if dry_run:
        click.echo(f"dry run: {due} due by {result.as_of} would be swept; nothing was "
                   "recorded")
    else:
        click.echo(f"sweep {result.sweep_id}: {due} due by {result.as_of} "
                   f"{'awaits' if len(result.items) == 1 else 'await'} appraisal: "
                   f"appraise on {api.server}/ui/sweeps/{result.sweep_id}")
    _left_on_loan(result.left_on_loan)


def _left_on_loan(numbers: list[str]) -> None:
    """Says the documents due that a loan has out: left out, to be chased (B4, R2)."""
    if numbers:
        one = len(numbers) == 1
        named = ", ".join(number or REDACTED for number in numbers)
        click.echo(f"{counted(len(numbers), 'more document')} due "
                   f"{'is' if one else 'are'} out on loan and not swept ({named}): ask "
                   f"for {'its' if one else 'their'} return (archive loans --status out); a "
                   f"sweep started once returned lists {'it' if one else 'them'}")


REDACTED = "(not cleared)"
"""Printed for a document above the reader's clearance: counted, not named."""


def _table(items: list[SweepItem]) -> Table:
    table = Table("#", "archive number (档号)", "category", "disposal due", "document id")
    for number, item in enumerate(items, start=1):
        table.add_row(str(number), REDACTED if item.redacted else item.archive_no,
                      category_name(item.category), item.disposal_due.isoformat(),
                      "" if item.redacted else item.document_id)
    return table
