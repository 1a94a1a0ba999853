"""How a command shows what it does: tables on standard output, as wide as the terminal or,
piped or captured, wide enough to keep each row on one line; long work (style habit 11)
as one bar on standard error (what is being done, done of total in its unit, time
elapsed), and work a service does (a fixity run, a reindex) followed by asking how far it
has come until it ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column
from rich.text import Text

from services.common.models import CATEGORY_NAMES, Category

POLL_S = 0.5
PIPED_WIDTH = 200

S = TypeVar("S")


def category_name(category: Category) -> str:
    """A category as staff know it, in a table: D5's Chinese name."""
    return CATEGORY_NAMES[category]


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 document``, ``2 documents``: a number with its noun (``plural`` when adding an
    s will not do: ``box``, ``boxes``)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def local_time(moment: datetime, zone: tzinfo) -> str:
    """``moment`` to the minute on the company's clocks (``zone``, ``ARCHIVE_TIME_ZONE``),
    naming the zone: ``2026-12-06 08:31 Asia/Shanghai``."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} {zone}"


def tables() -> Console:
    """Standard output, for tables."""
    return Console() if Console().is_terminal else Console(width=PIPED_WIDTH)


class Doing(ProgressColumn):
    """What a bar is doing (``label``, else its task's description) on one line, cut short
    with an ellipsis where the line is too narrow. Rich narrows every column of a bar too
    wide for its line: at 80 columns (standard error not a terminal) a long label squeezed
    the counts and time beside it into "0… 0:0…". This column and the bar give way; the
    columns made with ``whole()`` do not."""

    def __init__(self, label: str | None = None) -> None:
        super().__init__()
        self.label = label

    def render(self, task: Task) -> Text:
        return Text(self.label or task.description, no_wrap=True, overflow="ellipsis")


def whole() -> Column:
    """The table column of a bar's numbers or time: never narrowed nor wrapped."""
    return Column(no_wrap=True)


BAR_WIDTH = 20
"""Narrower than rich's 40, so a label of about 26 characters fits beside the numbers
and time at 80 columns."""


def counting(doing: str, unit: str) -> Progress:
    return Progress(Doing(doing), BarColumn(bar_width=BAR_WIDTH),
                    MofNCompleteColumn(table_column=whole()),
                    TextColumn(unit, table_column=whole()),
                    TimeElapsedColumn(table_column=whole()), console=Console(stderr=True))


def follow(status: S, again: Callable[[], S], *, doing: str, unit: str,
           running: Callable[[S], bool], counts: Callable[[S], tuple[int, int]]) -> S:
    """Ask ``again`` every ``POLL_S`` while ``running(status)``, the bar showing the
    status's ``counts``, done of total (the total unknown while 0); the last status."""
    with counting(doing, unit) as progress:
        task = progress.add_task(doing, total=None)
        while running(status):
            done, total = counts(status)
            progress.update(task, completed=done, total=total or None)
            time.sleep(POLL_S)
            status = again()
        done, _ = counts(status)
        progress.update(task, completed=done, total=done or None)
    return status
