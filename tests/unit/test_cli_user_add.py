"""``archive user add`` refuses a name or a password it cannot take in words an admin can
act on, before touching the database (it said "Expected `str` matching regex …")."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli.accounts import user


@pytest.mark.parametrize(("arguments", "password", "said"), [
    (["Wang"], "Pw-2026-long!x", "'Wang' is not a user name"),
    (["Wang"], "Pw-2026-long!x", "(e.g. wang)"),
    (["王五"], "Pw-2026-long!x", "(e.g. wang.wu)"),
    (["x"], "Pw-2026-long!x", "'x' is not a user name: 2 to 64 characters"),
    (["li"], "short", "a password has 8 to 256 characters; this one has 5"),
    (["li", "--full-name", "李" * 33], "Pw-2026-long!x", "is not a full name: 1 to 32 characters"),
    (["li", "--full-name", "李\x07"], "Pw-2026-long!x", "no control characters (e.g. 张三"),
])
def test_a_name_or_password_it_cannot_take_is_refused_saying_how_to_write_one(
        arguments: list[str], password: str, said: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        user, ["add", *arguments, "--role", "staff", "--password-stdin"], input=password + "\n",
        env={"ARCHIVE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert said in result.output
    assert "regex" not in result.output
    assert not any(tmp_path.iterdir())  # nothing was created


@pytest.mark.parametrize(("name", "password", "said"), [
    ("li", "woaini1314", "one of the first ones guessed"),
    ("li", "Archive2024", "one of the first ones guessed"),
    ("chen.jing", "chen.jing 2024", "contains the username")])
def test_a_common_password_or_one_holding_the_name_is_refused_in_one_line(
        name: str, password: str, said: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        user, ["add", name, "--role", "staff", "--password-stdin"], input=password + "\n",
        env={"ARCHIVE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2
    [told] = [line for line in result.output.splitlines() if said in line]
    assert "choose a longer phrase" in told
    assert not any(tmp_path.iterdir())  # nothing was created


def test_a_full_name_is_kept_with_its_spaces_tidied(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        user, ["add", "li", "--role", "staff", "--full-name", " 李  娜 ", "--password-stdin"],
        input="Pw-2026-long!x\n", env={"ARCHIVE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "created li (李 娜; staff; clearance ordinary)"
