"""``archive reindex``: rebuild the search index from the registry, with progress.

The search service does the work (it owns the index and the feed consumer, see
``services.search.reindex``); this command starts it, or follows one already running,
and shows how far the replay of the change feed has come. Searches keep working
throughout; the new index replaces the old one only once it is complete.
"""

from __future__ import annotations

import sys

import click

from services.cli.client import Api, api_options
from services.cli.terminal import counted, follow
from services.common.errors import Conflict


@click.command()
@api_options
def reindex(api: Api) -> None:
    """Rebuild the search index from the registry (admin); searches keep working."""
    try:
        status = api.run(api.search.start_reindex(api.token))
    except Conflict as exc:
        if exc.code != "reindex_running":
            raise
        click.echo("A reindex is already running; following it.", err=True)
        status = api.run(api.search.reindex_status(api.token))
    status = follow(status, lambda: api.patiently(
                        lambda: api.search.reindex_status(api.token),
                        say=lambda line: click.echo(line, err=True),
                        meanwhile="The reindex goes on on the server", then="following it"),
                    doing="replaying the change feed", unit="events",
                    running=lambda status: status.state == "running",
                    counts=lambda status: (status.replayed, status.head))
    if status.state == "failed":
        click.echo(f"error: the reindex failed: {status.error}", err=True)
        click.echo("The live index is as it was (the search service's /ready says whether "
                   "it answers); fix the cause (see the search service's log) and run "
                   "'archive reindex' again.", err=True)
        sys.exit(1)
    click.echo(f"reindexed: {counted(status.documents or 0, 'document')} in the new index "
               f"(change feed replayed to event {status.replayed})")
