"""The ``archive`` command. Each group of commands lives in its own module, added here.

Every failure prints one line saying what went wrong and what to do, and exits non-zero:
1 for a refused or failed operation, 2 for bad usage or configuration.
"""

from __future__ import annotations

import sys

import click

from services.common.errors import ArchiveError, ConfigError


class ArchiveGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"error: {exc.detail}", err=True)
            sys.exit(2)
        except ArchiveError as exc:
            click.echo(f"error: {exc.detail} ({exc.code})", err=True)
            sys.exit(1)


@click.group(cls=ArchiveGroup)
@click.version_option(package_name="archive")
def main() -> None:
    """archive: the customer archive (一户一档), digitised and governed."""


def _register() -> None:
    from services.cli import (
        accounts,
        audit,
        backup,
        catalogue,
        derive,
        fixity,
        handover,
        ingest,
        loans,
        reindex,
        reocr,
        search,
        serve,
        stats,
        sweep,
        transfer,
        worker,
    )

    main.add_command(serve.serve)
    main.add_command(serve.migrate)
    main.add_command(accounts.user)
    main.add_command(accounts.login)
    main.add_command(ingest.ingest)
    main.add_command(worker.worker)
    main.add_command(audit.audit)
    main.add_command(sweep.sweep)
    main.add_command(search.search)
    main.add_command(reindex.reindex)
    main.add_command(reocr.reocr)
    main.add_command(derive.derive)
    main.add_command(fixity.fixity)
    main.add_command(loans.loans)
    main.add_command(stats.stats)
    main.add_command(backup.backup)
    main.add_command(backup.restore)
    main.add_command(transfer.transfer)
    main.add_command(handover.handover)
    main.add_command(catalogue.catalogue)
    main.add_command(catalogue.labels)


_register()
