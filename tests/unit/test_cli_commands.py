"""The ``archive`` command finds each subcommand in its own module, and loads only that
module; no module of a command loads the servers' code until the command runs: 'archive
--help' and a client command (search, login, loans, …) start without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from services.cli import COMMANDS, main
from services.common.in_use import using
from tests.fixtures.postgres import free_port

SERVER_MODULES = ("litestar", "sqlalchemy", "elasticsearch", "tantivy", "cv2",
                  "services.registry.bootstrap")
"""What only the servers, the workers and the commands on the data (migrate, backup, …)
need: a second of CPU at every start of a command that loads them."""


def _run(code: str, **environment: str) -> tuple[str, str, list[str]]:
    """What a fresh Python running ``code`` prints on standard output and error, and the
    server modules it then holds."""
    probe = (f"import sys\ntry:\n    {code}\nfinally:\n"
             f"    print('loaded:', *(m for m in {SERVER_MODULES!r} if m in sys.modules))")
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=False, env=os.environ | environment)
    said, _, loaded = ran.stdout.rstrip("\n").rpartition("loaded:")
    return said, ran.stderr, loaded.split()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_found_under_its_name(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert command.name == name


def test_an_unknown_command_is_none() -> None:
    assert main.get_command(click.Context(main), "nosuch") is None


def test_the_list_of_commands_loads_none_of_the_servers_code() -> None:
    # 'archive --help' loads every command's module for its line of help, so this holds
    # for each command's module: only running serve, worker, migrate, … loads the servers.
    said, _, loaded = _run("from services.cli import main; "
                           "main(['--help'], standalone_mode=False)")
    assert loaded == []
    listed = said.partition("Commands:")[2].split()
    assert set(COMMANDS) <= set(listed)


def test_a_client_command_run_to_its_end_loads_none_of_the_servers_code() -> None:
    server = f"http://127.0.0.1:{free_port()}"  # nothing listens there: the command fails
    code = (f"from services.cli import main; "
            f"main(['search', 'x', '--server', {server!r}, '--token', 't'])")
    _, error, loaded = _run(code)
    assert f"cannot reach {server}" in error
    assert loaded == []


def test_a_migrate_refused_for_a_data_directory_in_use_loads_none_of_the_services(
        tmp_path: Path) -> None:
    # Refused before it migrates anything: finding the locks an archive serving the data
    # directory holds reads Tantivy's files, and needs neither Litestar nor SQLAlchemy.
    with using(tmp_path, "archive serve"):
        _, error, loaded = _run("from services.cli import main; main(['migrate'])",
                                ARCHIVE_DATA_DIR=str(tmp_path))
    assert "(data_dir_in_use)" in error
    assert set(loaded) <= {"tantivy"}


@pytest.mark.parametrize(("arguments", "environment"), [
    (["serve", "--service", "search"], {}),
    (["serve"], {"ARCHIVE_REGISTRY_URL": "http://registry.example:8000"}),
])
def test_a_service_served_apart_without_the_shared_key_is_refused_before_it_starts(
        tmp_path: Path, arguments: list[str], environment: dict[str, str]) -> None:
    """With a key of its own it would start, say it is ready and refuse every token the
    other parts sign, /ready's reason included; refused in one line, writing nothing."""
    environment = {"ARCHIVE_DATA_DIR": str(tmp_path / "data"), **environment}
    code = f"from services.cli import main; main({[*arguments, '--port', str(free_port())]!r})"
    assert "ARCHIVE_SECRET_KEY" not in os.environ
    _, error, loaded = _run(code, **environment)
    assert error.splitlines()[-1].startswith("error: ARCHIVE_SECRET_KEY is not set: services "
                                             "served apart"), error
    assert "Traceback" not in error
    assert not (tmp_path / "data" / "secret_key").exists()
    assert set(loaded) <= {"tantivy"}
