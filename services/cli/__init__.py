"""The ``archive`` command. Each group of commands lives in its own module, added here.

Every failure prints one line saying what went wrong and what to do, and exits non-zero:
1 for a refused or failed operation, 2 for bad usage or configuration.
"""

from __future__ import annotations

import importlib
import sys

import click

from services.common.errors import ArchiveError, ConfigError

COMMANDS = {
    "serve": "serve:serve", "migrate": "serve:migrate", "user": "accounts:user",
    "login": "login:login", "logout": "login:logout",
    "ingest": "ingest:ingest", "worker": "worker:worker",
    "audit": "audit:audit", "sweep": "sweep:sweep", "search": "search:search",
    "reindex": "reindex:reindex", "reocr": "reocr:reocr", "derive": "derive:derive",
    "fixity": "fixity:fixity", "loans": "loans:loans", "stats": "stats:stats",
    "backup": "backup:backup", "restore": "backup:restore", "transfer": "transfer:transfer",
    "handover": "handover:handover", "catalogue": "catalogue:catalogue",
    "labels": "catalogue:labels",
}
"""Each command, by the module of ``services.cli`` that holds it. A command's module is
imported only when that command runs: ``archive search`` or ``archive login`` need not load
the servers (a second of CPU at every start)."""


class ArchiveGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name].split(":")
        command: click.Command = getattr(
            importlib.import_module(f"services.cli.{module}"), name)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"error: {exc.detail}", err=True)
            sys.exit(2)
        except ArchiveError as exc:
            click.echo(f"error: {exc.explained}", err=True)
            sys.exit(1)


@click.group(cls=ArchiveGroup)
@click.version_option(package_name="archive")
def main() -> None:
    """archive: the customer archive (一户一档), digitised and governed."""
