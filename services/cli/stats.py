"""``archive stats``: a year's statistics (年度统计, O2) from a running server.

Received, held at the end of the year (or now, for the year so far), appraised,
destroyed, borrowed, returned and overdue, inventories and files organised (整理), as a
table, or (``--json``) the report as the API returns it. The year and the time the report
was made are the company's (``ARCHIVE_TIME_ZONE``), as the registry counts them.
"""

from __future__ import annotations

from datetime import tzinfo

import click
from rich.table import Table

from services.cli.client import Api, api_options, echo_json, json_option
from services.cli.terminal import category_name, counted, local_time, tables
from services.common.config import load_settings
from services.common.contracts.statistics import YearStatistics
from services.common.models import CATEGORIES, EARLIEST_YEAR, LATEST_YEAR


@click.command()
@click.option("--year", type=click.IntRange(EARLIEST_YEAR, LATEST_YEAR), default=None,
              help="Calendar year on the company's clocks (ARCHIVE_TIME_ZONE; default: this "
                   "year, so far).")
@json_option("Print the report as JSON.")
@api_options
def stats(api: Api, year: int | None, as_json: bool) -> None:
    """Print a year's statistics (archivist, compliance, director, admin)."""
    report = api.run(api.registry.year_report(api.token, year))
    if as_json:
        echo_json(report)
        return
    console = tables()
    console.print(summary_table(report, load_settings().time_zone))
    console.print(category_table(report))


def summary_table(report: YearStatistics, zone: tzinfo) -> Table:
    """One row per number of O2, saying what it counts; the time it is as of on the
    company's clocks (``zone``)."""
    as_of = report.as_of
    when = (f"{local_time(as_of, zone)}, so far" if report.so_far
            else f"{as_of.astimezone(zone):%Y-%m-%d}")
    table = Table(title=f"archive statistics {report.year} (年度统计), as of {when}",
                  title_justify="left")
    for column in ("", "count", "what is counted"):
        table.add_column(column, justify="right" if column == "count" else "left",
                         overflow="fold")
    appraised, borrowed, checks = report.appraised, report.borrowed, report.checks
    paper, digital = borrowed.paper, borrowed.digital
    rows = (
        ("received (接收)", report.received.total, "documents registered in the year"),
        ("held (馆藏)", report.holdings.total,
         "documents registered and neither destroyed nor transferred out"),
        ("handed over (移交接收)", report.handed_over.handovers,
         f"handovers from service centres signed by both sides, of "
         f"{counted(report.handed_over.documents, 'document')}"),
        ("appraised (鉴定)", appraised.total,
         f"documents: kept {appraised.kept} (of which to reappraise next year "
         f"{appraised.reappraise}), for destruction {appraised.for_destruction}"),
        ("destroyed (销毁)", report.destroyed.total,
         "documents marked 已销毁 in destruction registers"),
        ("transferred out (移出)", report.transferred_out.total,
         "documents transferred out of the archive"),
        ("borrowed (借阅)", borrowed.loans,
         f"loans issued, of {counted(borrowed.documents, 'document')}: paper "
         f"{paper.loans} ({counted(paper.documents, 'document')}), digital {digital.loans} "
         f"({counted(digital.documents, 'document')})"),
        ("returned (归还)", report.returned,
         f"loans returned (注销), {report.returned_late} of them after their due date"),
        ("overdue (逾期)", report.overdue, "loans out past their due date"),
        ("organised (整理)", checks.organised,
         f"files found in place by the {counted(checks.inventories, 'inventory', 'inventories')}"
         f" completed; {counted(checks.discrepancies, 'box', 'boxes')} missing or misplaced, "
         f"{checks.unresolved} unresolved"),
        ("condition checks (七防)", checks.condition_checks,
         f"boxes checked, {checks.with_problems} with a problem"),
    )
    for label, count, what in rows:
        table.add_row(label, str(count), what)
    return table


def category_table(report: YearStatistics) -> Table:
    """Documents received, held and destroyed, per category (D5)."""
    sections = (report.received, report.holdings, report.destroyed)
    table = Table(title="by category", title_justify="left")
    for column in ("category", "received", "held", "destroyed"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for category in CATEGORIES:
        counts = [section.by_category.get(category, 0) for section in sections]
        if any(counts):
            table.add_row(f"{category} {category_name(category)}", *map(str, counts))
    table.add_row("total", *(str(section.total) for section in sections))
    return table
