"""The ``archive`` command finds each subcommand in its own module, and loads only that
module: a client command (search, login, loans, …) starts without the servers' code."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from services.cli import COMMANDS, main

CLIENT_COMMANDS = ["login", "search", "ingest", "loans", "stats", "sweep", "catalogue"]
SERVER_MODULES = ("litestar", "sqlalchemy", "services.registry.bootstrap")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_found_under_its_name(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert command.name == name


def test_an_unknown_command_is_none() -> None:
    assert main.get_command(click.Context(main), "nosuch") is None


@pytest.mark.parametrize("name", CLIENT_COMMANDS)
def test_a_client_command_loads_none_of_the_servers_code(name: str) -> None:
    probe = (f"import sys; from services.cli import main; import click; "
             f"main.get_command(click.Context(main), {name!r}); "
             f"print(' '.join(m for m in {SERVER_MODULES!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == ""
