"""The ``archive`` command. Each group of commands lives in its own module, added here.

Every failure prints one line saying what went wrong and what to do, and exits non-zero:
1 for a refused or failed operation, 2 for bad usage or configuration. A refused token
says how a shell user signs in (``archive login NAME``), not the API's header advice.
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
the servers (a second of CPU at every start). ``archive --help`` imports every module for
its line of help, so a module imports the servers' code (``services.app``, a service's
``bootstrap``, ``services.backup``'s work) inside the command that runs them."""


SIGN_IN_REFUSALS = {
    "missing_token": "you are not signed in",
    "invalid_token": "the token is not valid",
    "token_expired": "your sign-in has expired",
    "token_ended": "that token was signed out",
}
"""The token refusals, as said to a shell user, who then signs in again."""


def error_line(exc: ArchiveError) -> str:
    """The one line a failure prints: what went wrong, its code and what to do."""
    if exc.code in SIGN_IN_REFUSALS:
        return (f"error: {SIGN_IN_REFUSALS[exc.code]} ({exc.code}); sign in with "
                "'archive login NAME', or pass --token (ARCHIVE_TOKEN)")
    return f"error: {exc.explained}"


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
            click.echo(error_line(exc), err=True)
            sys.exit(1)


@click.group(cls=ArchiveGroup)
@click.version_option(package_name="archive")
def main() -> None:
    """archive: the customer archive (一户一档), digitised and governed."""
