"""``archive user add`` (local database, no server) and ``archive login``."""

from __future__ import annotations

import asyncio
import sys

import click
import httpx

from services.cli.client import DEFAULT_SERVER, save_token
from services.common.config import load_settings
from services.common.models import ROLES, SECURITY_LEVELS
from services.registry.accounts.models import NewUser
from services.registry.bootstrap import add_user


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="Repeat for several roles.")
@click.option("--clearance", type=click.Choice(SECURITY_LEVELS), default="ordinary",
              show_default=True)
@click.option("--department", default=None, help="e.g. customer_service, engineering, archive")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add(name: str, roles: tuple[str, ...], clearance: str, department: str | None,
        password_stdin: bool) -> None:
    """Create a user in the local database (works without a running server)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    import msgspec

    try:
        new = msgspec.convert({"username": name, "roles": list(roles), "clearance": clearance,
                               "department": department, "password": password}, NewUser)
    except msgspec.ValidationError as exc:
        raise click.BadParameter(str(exc)) from exc
    created = asyncio.run(add_user(load_settings(), new))
    click.echo(f"created {created.username} ({', '.join(created.roles)}; "
               f"clearance {created.clearance})")


@click.command()
@click.argument("name")
@click.option("--server", envvar="ARCHIVE_SERVER", default=DEFAULT_SERVER, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def login(name: str, server: str, password_stdin: bool) -> None:
    """Get a token and save it for the other commands (or export it as ARCHIVE_TOKEN)."""
    from services.common.clients import error_from

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
