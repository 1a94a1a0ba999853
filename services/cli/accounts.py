"""``archive user add``: a user in the local database, no server needed."""

from __future__ import annotations

import asyncio
import sys

import click

from services.cli.named import DEPARTMENT, SECURITY_LEVEL
from services.common.config import load_settings
from services.common.contracts.accounts import MAX_PASSWORD, MIN_PASSWORD
from services.common.errors import ValidationFailed
from services.common.models import MAX_USERNAME, MIN_USERNAME, ROLES, USERNAME_RE
from services.registry.accounts.models import NewUser
from services.registry.accounts.rules import check_new_password


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES),
              help="Repeat for several roles.")
@click.option("--clearance", type=SECURITY_LEVEL, default="ordinary",
              show_default=True)
@click.option("--department", type=DEPARTMENT, default=None,
              help="Its code, or a usual one's name: customer_service or 客服部, engineering or "
                   "工程部, archive or 档案室.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add(name: str, roles: tuple[str, ...], clearance: str, department: str | None,
        password_stdin: bool) -> None:
    """Create a user in the local database (works without a running server)."""
    if not USERNAME_RE.match(name):
        example = name.lower() if USERNAME_RE.match(name.lower()) else "wang.wu"
        raise click.BadParameter(
            f"{name!r} is not a user name: {MIN_USERNAME} to {MAX_USERNAME} characters, "
            f"lower-case letters, digits and . _ -, starting with a letter (e.g. {example})",
            param_hint="NAME")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise click.BadParameter(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters; "
                                 f"this one has {len(password)}", param_hint="password")
    try:
        check_new_password(password, username=name)
    except ValidationFailed as exc:
        raise click.BadParameter(exc.detail, param_hint="password") from exc
    import msgspec

    try:
        new = msgspec.convert({"username": name, "roles": list(roles), "clearance": clearance,
                               "department": department, "password": password}, NewUser)
    except msgspec.ValidationError as exc:
        raise click.BadParameter(str(exc)) from exc
    from services.registry.bootstrap import add_user  # SQLAlchemy: not for 'archive --help'

    created = asyncio.run(add_user(load_settings(), new))
    click.echo(f"created {created.username} ({', '.join(created.roles)}; "
               f"clearance {created.clearance})")
