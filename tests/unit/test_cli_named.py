"""A command's category or security level typed as staff know it (维修, 機密) is the code
the manifest would read, a unit code typed a0301 is A-0301, and a day typed as Excel
writes it (2024/5/8) is that day; anything else is refused with how to write one, before
any call to the archive."""

from __future__ import annotations

from datetime import datetime

import click
import pytest
from click.testing import CliRunner

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
    assert "category '记录' is none of the categories" in result.output


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


@click.command()
@click.option("--household", type=HOUSEHOLD)
def unit(household: str) -> None:
    click.echo(household)


def test_a_unit_code_is_read_as_the_manifest_reads_it() -> None:
    result = CliRunner().invoke(unit, ["--household", "a0301"])
    assert (result.exit_code, result.output.strip()) == (0, "A-0301")


def test_an_ambiguous_unit_code_is_a_usage_error_saying_how_to_write_one() -> None:
    result = CliRunner().invoke(unit, ["--household", "B10101"])
    assert result.exit_code == 2
    assert "'B10101' is not a unit code like A-1201" in result.output
    assert "UNIT" in CliRunner().invoke(unit, ["--help"]).output


@pytest.mark.parametrize(("typed", "building"), [("a", "A"), ("Ａ", "A"), ("A栋", "A"),
                                                  ("b1座", "B1"), ("C棟", "C")])
def test_a_building_is_read_as_staff_write_it(typed: str, building: str) -> None:
    @click.command()
    @click.option("--building", type=BUILDING)
    def echo_building(building: str) -> None:
        click.echo(building)

    result = CliRunner().invoke(echo_building, ["--building", typed])
    assert (result.exit_code, result.output.strip()) == (0, building)
    refused = CliRunner().invoke(echo_building, ["--building", "甲"])
    assert refused.exit_code == 2
    assert "'甲' is not a building like A or B1" in refused.output


@pytest.mark.parametrize(("typed", "department"), [
    ("客服部", "customer_service"), ("工程部", "engineering"),
    ("Customer_Service", "customer_service"),
    ("legal", "legal"),  # a code of the company's own
])
def test_a_department_is_its_code_or_a_usual_ones_name(typed: str, department: str) -> None:
    @click.command()
    @click.option("--department", type=DEPARTMENT)
    def echo_department(department: str) -> None:
        click.echo(department)

    result = CliRunner().invoke(echo_department, ["--department", typed])
    assert (result.exit_code, result.output.strip()) == (0, department)
    refused = CliRunner().invoke(echo_department, ["--department", "客服"])
    assert refused.exit_code == 2
    assert "customer_service (客服部)" in refused.output
