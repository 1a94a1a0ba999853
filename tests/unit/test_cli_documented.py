"""Every command and every option of ``archive`` is in docs/interface.md's table, the
page scripts are written against: an option added to a command is documented with it."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import click

from services.cli import COMMANDS

INTERFACE = Path(__file__).parents[2] / "docs" / "interface.md"
EVERY_CLIENT_COMMANDS = {"--help", "--server", "--token"}
"""Said once for all the client commands, under the table."""


def _commands() -> Iterator[tuple[str, click.Command]]:
    def walk(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, f"{path} {name}")
        else:
            yield path, command

    for name in sorted(COMMANDS):
        module, attribute = COMMANDS[name].split(":")
        yield from walk(getattr(importlib.import_module(f"services.cli.{module}"), attribute),
                        f"archive {name}")


def test_every_command_and_option_is_in_the_interface_table() -> None:
    rows = [line for line in INTERFACE.read_text(encoding="utf-8").splitlines()
            if line.startswith("| `archive ")]
    undocumented = []
    for path, command in _commands():
        documented = " ".join(row for row in rows if re.search(rf"`{re.escape(path)}[ `]", row))
        if not documented:
            undocumented.append(path)
            continue
        undocumented += [f"{path} {option}" for parameter in command.params
                         for option in parameter.opts
                         if option.startswith("--") and option not in EVERY_CLIENT_COMMANDS
                         and not re.search(rf"{re.escape(option)}\b", documented)]
    assert undocumented == []
