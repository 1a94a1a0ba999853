"""A command's category or security level typed as staff know it (维修, 機密) is the code
the manifest would read; anything else is refused with how to write one, before any call
to the archive."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from services.cli.named import CATEGORY, SECURITY_LEVEL


@click.command()
@click.option("--category", "categories", multiple=True, type=CATEGORY)
@click.option("--security", type=SECURITY_LEVEL, default="ordinary")
def echo(categories: tuple[str, ...], security: str) -> None:
    click.echo(" ".join((*categories, security)))


@pytest.mark.parametrize(("arguments", "read"), [
    (["--category", "repair"], "repair ordinary"),
    (["--category", "维修", "--category", "投訴記錄", "--security", "機密"],
     "repair complaint confidential"),
    (["--category", "装修工程文件", "--security", "SECRET"], "decoration secret"),
])
def test_codes_and_chinese_names_are_read_as_codes(arguments: list[str], read: str) -> None:
    result = CliRunner().invoke(echo, arguments)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == read


def test_a_name_of_no_category_is_a_usage_error_saying_how_to_write_one() -> None:
    result = CliRunner().invoke(echo, ["--category", "记录"])  # three names end so
    assert result.exit_code == 2
    assert "category '记录' is none of the categories" in result.output


def test_help_lists_the_codes() -> None:
    result = CliRunner().invoke(echo, ["--help"])
    assert "[ordinary|confidential|secret]" in result.output
    assert "|repair|" in result.output
