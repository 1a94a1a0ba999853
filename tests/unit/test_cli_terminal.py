"""Every command prints its tables one way: piped or captured, wide enough that a row of a
loan register, a search hit or a sweep's item stays on one line for the script reading it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from rich.table import Table

from services.cli.audit import show_chain_report
from services.cli.loans import register_table
from services.cli.stats import stats
from services.cli.sweep import _table as sweep_table
from services.cli.terminal import PIPED_WIDTH, counted, local_time, tables
from services.common.contracts.lending import Loan, RejectionRecord, ReturnRecord
from services.common.contracts.registry import ChainReport
from services.common.contracts.retention import SweepItem

ROW = ("2024-repair-A-1201-0001", "卫生间漏水维修记录（含业主签字确认单及维修费用结算单）",
       "A-1201", "2024-05-18", "wang（客服部）", "逾期未还")


def test_a_table_printed_into_a_pipe_keeps_each_row_on_one_line() -> None:
    def command() -> None:
        table = Table(*("no", "title", "household", "filed", "borrower", "status"))
        table.add_row(*ROW)
        tables().print(table)

    with CliRunner().isolation() as (out, _, _):
        command()
    printed = out.getvalue().decode()
    assert tables().width == PIPED_WIDTH
    assert [line for line in printed.splitlines() if ROW[1] in line] != []
    assert all(ROW[0] in line for line in printed.splitlines() if ROW[1] in line)


def test_a_category_is_shown_by_its_chinese_name_in_every_table() -> None:
    table = sweep_table([SweepItem(document_id="d1", archive_no="2019-repair-A-0301-0001",
                                   category="repair", disposal_due=date(2029, 7, 14))])
    with CliRunner().isolation() as (out, _, _):
        tables().print(table)
    assert "维修/报修记录" in out.getvalue().decode()


def test_a_count_says_one_thing_in_the_singular_and_others_in_the_plural() -> None:
    assert [counted(n, "document") for n in (0, 1, 2)] == [
        "0 documents", "1 document", "2 documents"]
    assert counted(1, "box", "boxes") == "1 box"
    assert counted(3, "box", "boxes") == "3 boxes"


def test_a_time_is_printed_on_the_company_clocks_naming_the_zone() -> None:
    moment = datetime(2026, 12, 5, 16, 31, tzinfo=UTC)
    assert local_time(moment, ZoneInfo("Asia/Shanghai")) == "2026-12-06 00:31 Asia/Shanghai"


def test_stats_counts_the_year_on_the_company_clocks_not_utc() -> None:
    shown = CliRunner().invoke(stats, ["--help"]).output
    assert "UTC" not in shown
    assert "ARCHIVE_TIME_ZONE" in shown


def test_audit_verify_prints_its_anchor_time_on_the_company_clocks() -> None:
    report = ChainReport(intact=True, entries=4, anchored_seq=4,
                         anchored_at=datetime(2026, 12, 5, 16, 31, tzinfo=UTC))
    with CliRunner().isolation() as (out, _, _):
        assert show_chain_report(report, ZoneInfo("Asia/Shanghai"))
    assert out.getvalue().decode().strip() == (
        "audit log intact: 4 entries checked; entry 4 matches its anchor of "
        "2026-12-06 00:31 Asia/Shanghai")


def test_the_loans_listed_to_someone_outside_the_register_are_called_their_own() -> None:
    """``archive loans`` as an admin or a staff member: the registry answers only their own
    loans, so the table says so and who reads the register, never "loan register: 0"."""
    own = _printed(register_table([], UTC, whole=False, names={}))
    assert "your loans (我的借阅): 0 loans" in own
    assert "archivist, manager, center_head, director, compliance" in own
    assert "loan register" not in own
    assert "loan register (借阅登记): 0 loans" in _printed(
        register_table([], UTC, whole=True, names={}))


def _loan(**fields: Any) -> Loan:
    return Loan(**{
        "loan_id": "0123456789", "status": "returned", "kind": "paper", "purpose": "核对",
        "reason": "来电", "borrower": "li", "borrower_department": "customer_service",
        "requested_by": "li", "requested_at": datetime(2026, 11, 2, tzinfo=UTC),
        "external": None, "documents": [], "approvals_needed": [], "approvals": [],
        "next_approval": None, "rejection": None, "issued_by": None, "issued_at": None,
        "acknowledged_at": None, "due_at": None, "renewals": 0, "renewed_at": None,
        "returned": None, "overdue": False, "escalated_at": None, "copies": [],
        "incidents": [], **fields})


def test_a_withdrawn_request_a_refused_one_and_a_late_return_say_so() -> None:
    at = datetime(2026, 11, 9, 3, tzinfo=UTC)
    withdrawn = _loan(loan_id="withdrawn1", status="rejected", rejection=RejectionRecord(
        rejected_by="admin", rejected_at=at, reason="借阅人已离职", withdrawn=True))
    refused = _loan(loan_id="refusedx1", status="rejected", rejection=RejectionRecord(
        rejected_by="zhou", rejected_at=at, reason="与投诉无关"))
    late = _loan(loan_id="lateback1", due_at=at, returned=ReturnRecord(
        returned_by="wang", returned_at=at + timedelta(days=3), intact=False, note="封面破损"))
    on_time = _loan(loan_id="ontime001", due_at=at, returned=ReturnRecord(
        returned_by="wang", returned_at=at - timedelta(days=1), intact=True, note=None))
    printed = _printed(register_table([withdrawn, refused, late, on_time], UTC, whole=True,
                                      names={}))

    def row(loan: Loan) -> str:
        return next(line for line in printed.splitlines() if loan.loan_id[:8] in line)

    assert "withdrawn" in row(withdrawn)
    assert "by admin: 借阅人已离职" in row(withdrawn)
    assert "rejected" in row(refused)
    assert "refused by zhou: 与投诉无关" in row(refused)
    assert "returned late" in row(late)
    assert "returned damaged" in row(late)
    assert "late" not in row(on_time)


def test_the_register_names_the_borrower_and_who_refused_by_their_full_names() -> None:
    refused = _loan(loan_id="refusedx1", status="rejected", rejection=RejectionRecord(
        rejected_by="zhou", rejected_at=datetime(2026, 11, 9, tzinfo=UTC), reason="与投诉无关"))
    printed = _printed(register_table([refused], UTC, whole=True,
                                      names={"li": "李娜", "zhou": "Zhou Min"}))
    assert "李娜（li） (customer_service)" in printed
    assert "refused by Zhou Min（zhou）: 与投诉无关" in printed


def _printed(table: Table) -> str:
    with CliRunner().isolation() as (out, _, _):
        tables().print(table)
    return out.getvalue().decode()
