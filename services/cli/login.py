"""``archive login``: a token from the server, saved for the other commands;
``archive logout``: that token ended on the server and forgotten."""

from __future__ import annotations

import sys

import click

from services.cli.client import (
    SERVER_HELP,
    Api,
    forget_login,
    save_login,
    saved_token,
    server_of,
    token_file,
)
from services.common.config import SERVER_VARIABLE, TOKEN_VARIABLE
from services.common.errors import ArchiveError, Unauthorized


@click.command()
@click.argument("name")
@click.option("--server", envvar=SERVER_VARIABLE, default=None, help=SERVER_HELP)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def login(name: str, server: str | None, password_stdin: bool) -> None:
    """Get a token and save it, with the server it is for, for the other commands (or
    export it as ARCHIVE_TOKEN)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    signed_in_to = server_of(server)
    with Api(signed_in_to, None) as api:
        issued = api.run(api.registry.issue_token(name, password, client_address=None))
    path = save_login(issued.access_token, signed_in_to)
    click.echo(f"logged in as {name} at {signed_in_to}; token saved to {path}")


@click.command()
@click.option("--server", envvar=SERVER_VARIABLE, default=None, help=SERVER_HELP)
@click.option("--token", envvar=TOKEN_VARIABLE, default=None,
              help="The token to end (default: the one 'archive login' saved).")
def logout(server: str | None, token: str | None) -> None:
    """End the token on the server, so a copy of it no longer works, and forget the saved one.

    The saved token is forgotten even when the server cannot be asked; it then stays good
    until it runs out, and the command says so and exits 1."""
    saved = saved_token()
    ending = token or saved
    if ending is None:
        click.echo(f"not logged in: no token is saved at {token_file()}")
        return
    try:
        with Api(server_of(server), ending) as api:
            api.run(api.registry.end_token(ending))
        said = "token ended on the server"
    except Unauthorized:
        said = "the server no longer accepted the token (it had ended or run out)"
    except (click.ClickException, ArchiveError) as exc:
        reason = exc.message if isinstance(exc, click.ClickException) else exc.explained
        raise click.ClickException(
            f"{reason}. The token was not ended: it keeps working until it runs out"
            f"{_forget(ending, saved)}") from exc
    click.echo(f"logged out; {said}{_forget(ending, saved)}")
    if token is not None and token != saved:
        click.echo(f"if {TOKEN_VARIABLE} holds that token, unset it: it no longer works")


def _forget(ending: str, saved: str | None) -> str:
    """Remove the saved token if it is the one ended; what was done, to end the sentence."""
    if ending != saved:
        return ""
    forget_login()
    return f"; {token_file()} removed"
