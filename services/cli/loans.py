"""``archive loans``: the loan register (借阅登记) as a table, from a running server.

``--overdue`` lists loans out past their due date; ``--escalated`` those escalated for
being held too long without renewal (B4). A reader without a register role sees the
loans they borrow or asked for, under the title "your loans", and is told who reads the
register.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

import click
from rich.table import Table

from services.cli.client import Api, api_options, echo_json, json_option
from services.cli.terminal import counted, tables
from services.common.approvals import REGISTER_READERS
from services.common.config import load_settings
from services.common.contracts.accounts import person
from services.common.contracts.lending import Loan

STATUSES = ("requested", "approved", "rejected", "out", "returned")


@click.command()
@click.option("--overdue", is_flag=True, help="Only loans out past their due date.")
@click.option("--escalated", is_flag=True,
              help="Only loans escalated for being held too long without renewal.")
@click.option("--status", type=click.Choice(STATUSES), help="Only loans in this state.")
@click.option("--borrower", help="Only this borrower's loans (username).")
@json_option("Print the loans as JSON.")
@api_options
def loans(api: Api, overdue: bool, escalated: bool, status: str | None,
          borrower: str | None, as_json: bool) -> None:
    """Print the loan register, newest request first."""
    found = api.run(api.registry.register(api.token, overdue=overdue or None,
                                          escalated=escalated or None, status=status,
                                          borrower=borrower))
    if as_json:
        echo_json(found, indent=None)
        return
    reader = api.run(api.registry.whoami(api.token))
    names = api.run(api.registry.people(api.token))
    tables().print(register_table(found, load_settings().time_zone,
                                  whole=reader.has_role(*REGISTER_READERS), names=names))


REDACTED = "(not cleared)"
"""Printed for a document above the reader's clearance: counted, not named."""


def register_table(found: list[Loan], zone: tzinfo, *, whole: bool,
                   names: Mapping[str, str]) -> Table:
    """One row per loan: who, what, when it is due (the day in ``zone``, the company's),
    and whether it is late. ``whole``: the reader reads the register, else only the
    loans they borrow or asked for (the registry's rule), and the table says so. People
    are named as papers name them, ``王芳（wang）`` (``names``: full names by username)."""
    title = "loan register (借阅登记)" if whole else "your loans (我的借阅)"
    caption = None if whole else ("only the loans you borrow or asked for; the whole "
                                  f"register is read by the roles {', '.join(REGISTER_READERS)}")
    table = Table(title=f"{title}: {counted(len(found), 'loan')}", title_justify="left",
                  caption=caption, caption_justify="left")
    for column in ("loan", "status", "kind", "borrower", "documents", "issued", "due",
                   "renewals", "flags"):
        table.add_column(column, overflow="fold")
    for loan in found:
        table.add_row(
            loan.loan_id[:8], _status(loan), loan.kind, _borrower(loan, names),
            "\n".join(REDACTED if d.redacted else d.archive_no for d in loan.documents),
            _day(loan.issued_at, zone), _day(loan.due_at, zone), str(loan.renewals),
            _flags(loan, names))
    return table


def _borrower(loan: Loan, names: Mapping[str, str]) -> str:
    borrower = person(loan.borrower, names)
    if loan.external:
        return f"{loan.external.name} ({loan.external.organisation}) for {borrower}"
    return f"{borrower} ({loan.borrower_department})"


def _day(value: datetime | None, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d") if value else ""


def _status(loan: Loan) -> str:
    """``withdrawn`` for a request its applicant withdrew, or that ended when the borrower
    left (B9): the registry says ``rejected`` with ``rejection.withdrawn``."""
    return "withdrawn" if loan.rejection and loan.rejection.withdrawn else loan.status


def _flags(loan: Loan, names: Mapping[str, str]) -> str:
    flags = []
    if loan.rejection:
        flags.append(f"{'by' if loan.rejection.withdrawn else 'refused by'} "
                     f"{person(loan.rejection.rejected_by, names)}: {loan.rejection.reason}")
    if loan.returned_late:
        flags.append("[yellow]returned late[/yellow]")
    if loan.returned and not loan.returned.intact:
        flags.append("[yellow]returned damaged[/yellow]")
    if loan.overdue:
        flags.append("[red]overdue[/red]")
    if loan.escalated_at:
        flags.append("[bold red]escalated[/bold red]")
    if loan.incidents:
        flags.append("[yellow]incident[/yellow]")
    if loan.status == "requested" and loan.next_approval:
        flags.append(f"awaits {loan.next_approval}")
    return ", ".join(flags)
