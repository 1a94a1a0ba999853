"""``archive login``: a token from the server, saved for the other commands."""

from __future__ import annotations

import sys

import click
import httpx

from services.cli.client import DEFAULT_SERVER, save_token
from services.common.clients import error_from


@click.command()
@click.argument("name")
@click.option("--server", envvar="ARCHIVE_SERVER", default=DEFAULT_SERVER, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def login(name: str, server: str, password_stdin: bool) -> None:
    """Get a token and save it for the other commands (or export it as ARCHIVE_TOKEN)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True)
    try:
        response = httpx.post(f"{server.rstrip('/')}/registry/auth/token",
                              json={"username": name, "password": password}, timeout=30)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach {server} ({exc}); is 'archive serve' "
                                   "running?") from exc
    if response.status_code >= 400:
        raise error_from(response, "registry")
    path = save_token(response.json()["access_token"])
    click.echo(f"logged in as {name}; token saved to {path}")
