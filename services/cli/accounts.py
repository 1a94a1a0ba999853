"""``archive user add``, ``change`` and ``password``: the accounts of the local database,
no server needed (the operator at its console; audited so)."""

from __future__ import annotations

import asyncio
import sys

import click

from services.cli.named import DEPARTMENT, FULL_NAME, SECURITY_LEVEL
from services.common.config import load_settings
from services.common.contracts.accounts import MAX_PASSWORD, MIN_PASSWORD, User
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
@click.option("--full-name", type=FULL_NAME, default=None,
              help="The person's name as papers print it (姓名), e.g. 张三.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add(name: str, roles: tuple[str, ...], clearance: str, department: str | None,
        full_name: str | None, password_stdin: bool) -> None:
    """Create a user in the local database (works without a running server)."""
    if not USERNAME_RE.match(name):
        example = name.lower() if USERNAME_RE.match(name.lower()) else "wang.wu"
        raise click.BadParameter(
            f"{name!r} is not a user name: {MIN_USERNAME} to {MAX_USERNAME} characters, "
            f"lower-case letters, digits and . _ -, starting with a letter (e.g. {example})",
            param_hint="NAME")
    password = _new_password(name, password_stdin=password_stdin)
    import msgspec

    try:
        new = msgspec.convert({"username": name, "roles": list(roles), "clearance": clearance,
                               "department": department, "password": password,
                               "full_name": full_name}, NewUser)
    except msgspec.ValidationError as exc:
        raise click.BadParameter(str(exc)) from exc
    from services.registry.bootstrap import add_user  # SQLAlchemy: not for 'archive --help'

    created = asyncio.run(add_user(load_settings(), new))
    named = f"{created.full_name}; " if created.full_name else ""
    click.echo(f"created {created.username} ({named}{', '.join(created.roles)}; "
               f"clearance {created.clearance})")


@user.command("change")
@click.argument("name")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES),
              help="Every role it has from now on; repeat for several. Left out: as it is.")
@click.option("--clearance", type=SECURITY_LEVEL, default=None,
              help="Left out: as it is.")
@click.option("--department", type=DEPARTMENT, default=None,
              help="Its code, or a usual one's name. Left out: as it is.")
@click.option("--full-name", type=FULL_NAME, default=None,
              help="The person's name as papers print it (姓名). Left out: as it is.")
def change(name: str, roles: tuple[str, ...], clearance: str | None,
           department: str | None, full_name: str | None) -> None:
    """Change a user's roles, clearance, department or full name in the local database
    (works without a running server); a change of more than the name ends every sign-in
    they had."""
    import msgspec

    from services.registry.accounts.models import UserChange

    given = {"roles": list(roles) or None, "clearance": clearance, "department": department,
             "full_name": full_name}
    if not any(given.values()):
        raise click.UsageError("say what changes: --role, --clearance, --department or "
                               "--full-name")
    try:
        wanted = msgspec.convert({key: value for key, value in given.items() if value},
                                 UserChange)
    except msgspec.ValidationError as exc:
        raise click.BadParameter(str(exc)) from exc
    from services.registry.accounts.service import CONSOLE, AccountsService
    from services.registry.bootstrap import on_local_accounts

    async def changing(accounts: AccountsService) -> tuple[User, User]:
        before = await accounts.get_user(name)
        return before, await accounts.change_user(name, wanted, by=CONSOLE, clearance="secret")

    before, changed = asyncio.run(on_local_accounts(load_settings(), changing))
    ended = ("every sign-in they had has ended" if before.rights_differ(changed)
             else "their sign-ins go on")
    click.echo(f"{changed.username} ({changed.full_name or 'no full name'}): "
               f"{', '.join(changed.roles)}; clearance {changed.clearance}; department "
               f"{changed.department or '(none)'}; {ended}")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def password(name: str, password_stdin: bool) -> None:
    """Set a user's password in the local database (works without a running server; for
    an admin who forgot theirs); every sign-in they had ends."""
    new = _new_password(name, password_stdin=password_stdin)
    from services.registry.accounts.service import CONSOLE
    from services.registry.bootstrap import on_local_accounts

    reset = asyncio.run(on_local_accounts(load_settings(), lambda accounts: (
        accounts.reset_password(name, new, by=CONSOLE, clearance="secret"))))
    click.echo(f"password of {reset.username} set; every sign-in they had has ended")


def _new_password(name: str, *, password_stdin: bool) -> str:
    """A new password for user ``name``, from standard input or asked twice, refused as
    the registry would refuse it (too short or long, common, holding the name)."""
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
    return password
