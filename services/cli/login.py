"""``archive login``: a token from the server, saved for the other commands."""

from __future__ import annotations

import sys

import click

from services.cli.client import DEFAULT_SERVER, Api, save_token
from services.common.config import SERVER_VARIABLE


@click.command()
@click.argument("name")
@click.option("--server", envvar=SERVER_VARIABLE, default=DEFAULT_SERVER, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def login(name: str, server: str, password_stdin: bool) -> None:
    """Get a token and save it for the other commands (or export it as ARCHIVE_TOKEN)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    with Api(server, None) as api:
        issued = api.run(api.registry.issue_token(name, password, client_address=None))
    path = save_token(issued.access_token)
    click.echo(f"logged in as {name}; token saved to {path}")
