"""Progress bars stay readable at 80 columns (what rich uses when standard error is not a
terminal): however long the label, it is cut short, never the counts, sizes or time."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.progress import Progress

from services.cli.backup import Bars
from services.cli.terminal import counting

LONG_LABEL = ("reading the backup at s3://a-rather-long-bucket-name/with/a/long/prefix/for/"
              "the/archive")


def _lines(progress: Progress, console: Console, out: StringIO) -> list[str]:
    console.print(progress.get_renderable())
    return out.getvalue().splitlines()


def test_backup_bars_keep_their_numbers_whole_at_80_columns() -> None:
    out = StringIO()
    console = Console(width=80, file=out)
    bars = Bars(console=console)
    bars.stage(LONG_LABEL, total=None, unit="files")
    bars.advance(12345)
    bars.stage("checking changed files", total=54321, unit="files")
    bars.advance(54321)
    bars.stage("copying stored files", total=123_456_789_000, unit="bytes")
    bars.advance(12_345_678_900)
    lines = _lines(bars.progress, console, out)
    assert len(lines) == 3, lines
    assert all(len(line) <= 80 and line.rstrip().endswith("0:00:00") for line in lines)
    assert "12345/12345" in lines[0]
    assert lines[0].startswith("reading the backup at s3://")
    assert "…" in lines[0]
    assert lines[1].startswith("checking changed files ")
    assert "54321/54321" in lines[1]
    assert lines[2].startswith("copying stored files ")
    assert "12.3/123.5 GB" in lines[2]


def test_a_counted_bar_keeps_its_count_and_unit_whole_at_80_columns() -> None:
    out = StringIO()
    console = Console(width=80, file=out)
    columns = counting("replaying the change feed of the search index from its very "
                       "beginning", "events").columns
    progress = Progress(*columns, console=console)
    task = progress.add_task("reindex", total=123456)
    progress.advance(task, 23456)
    [line] = _lines(progress, console, out)
    assert len(line) <= 80
    assert "23456/123456 events 0:00:00" in line
    assert line.startswith("replaying the change feed")
