"""A command's category or security level typed as staff know it (维修, 機密) is the code
the manifest would read, a unit code typed a0301 is A-0301, and a day typed as Excel
writes it (2024/5/8) is that day; anything else is refused with how to write one, before
any call to the archive."""

from __future__ import annotations

from datetime import datetime

import click
import pytest
from click.testing import CliRunner, Result

from services.cli.named import BUILDING, CATEGORY, DAY, DEPARTMENT, HOUSEHOLD, SECURITY_LEVEL


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
    assert "category '记录' could be any of 维修/报修记录、投诉记录、拜访/回访记录" in result.output


def test_help_lists_the_codes() -> None:
    result = CliRunner().invoke(echo, ["--help"])
    assert "[ordinary|confidential|secret]" in result.output
    assert "|repair|" in result.output


@pytest.mark.parametrize("typed", ["2024-05-08", "2024/5/8", "2024/05/08"])
def test_a_day_is_read_as_typed_or_as_excel_writes_it(typed: str) -> None:
    @click.command()
    @click.option("--filed-at", type=DAY)
    def filed(filed_at: datetime) -> None:
        click.echo(filed_at.date().isoformat())

    result = CliRunner().invoke(filed, ["--filed-at", typed])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2024-05-08"


def read_as(option: click.ParamType, typed: str) -> Result:
    """What a command with one option of type ``option`` makes of ``typed``."""
    @click.command()
    @click.option("--value", type=option)
    def echo_value(value: str) -> None:
        click.echo(value)

    return CliRunner().invoke(echo_value, ["--value", typed])


@pytest.mark.parametrize(("option", "typed", "read"), [
    (HOUSEHOLD, "a0301", "A-0301"),
    (BUILDING, "a", "A"), (BUILDING, "Ａ", "A"), (BUILDING, "A栋", "A"),
    (BUILDING, "b1座", "B1"), (BUILDING, "C棟", "C"),
    (DEPARTMENT, "客服部", "customer_service"), (DEPARTMENT, "工程部", "engineering"),
    (DEPARTMENT, "Customer_Service", "customer_service"),
    (DEPARTMENT, "legal", "legal"),  # a code of the company's own
], ids=lambda value: value if isinstance(value, str) else value.name)
def test_a_unit_building_or_department_is_read_as_staff_write_it(
        option: click.ParamType, typed: str, read: str) -> None:
    result = read_as(option, typed)
    assert (result.exit_code, result.output.strip()) == (0, read)


@pytest.mark.parametrize(("option", "typed", "said"), [
    (HOUSEHOLD, "B10101", "'B10101' could be B1-0101 or B-10101; write it with its hyphen"),
    (BUILDING, "甲", "'甲' is not a building like A or B1"),
    (DEPARTMENT, "客服", "customer_service (客服部)"),  # the usual ones, listed
], ids=["ambiguous unit", "building", "department"])
def test_one_it_cannot_read_is_a_usage_error_saying_how_to_write_one(
        option: click.ParamType, typed: str, said: str) -> None:
    result = read_as(option, typed)
    assert result.exit_code == 2
    assert said in result.output


def test_help_says_what_an_option_without_a_list_of_codes_takes() -> None:
    @click.command()
    @click.option("--household", type=HOUSEHOLD)
    def filed(household: str) -> None:
        click.echo(household)

    assert "--household UNIT" in CliRunner().invoke(filed, ["--help"]).output
