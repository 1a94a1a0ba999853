"""``archive user add``: a user in the local database, no server needed."""

from __future__ import annotations

import asyncio
import sys

import click

from services.cli.named import SECURITY_LEVEL
from services.common.config import load_settings
from services.common.models import ROLES
from services.registry.accounts.models import NewUser
from services.registry.bootstrap import add_user


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="Repeat for several roles.")
@click.option("--clearance", type=SECURITY_LEVEL, default="ordinary",
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
