"""Archive numbers (档号, D8): unique, never reused, readable, by filing year.

``{year}-{category}-{household}-{NNNN}``, e.g. ``2024-correspondence-A-1201-0007``, counted
per (year, category, household). Company documents (no household, e.g. ``policy``) are
``{year}-{category}-{NNNN}``, e.g. ``2024-policy-0003``: a unit code always holds a hyphen
and a category never does, so the two forms cannot be confused. The counter row is
incremented in the filing transaction, so a rolled-back filing leaves no gap and two
concurrent filings wait for each other instead of taking the same number.
"""

from __future__ import annotations

COMPANY = ""
"""Counter key of company documents, which belong to no household."""


def series(year: int, category: str, household: str | None) -> str:
    """What one counter numbers: the archive number without its ``-NNNN``, e.g.
    ``2024-correspondence-A-1201`` (``household`` empty or None: a company series)."""
    return "-".join([str(year), category, *([household] if household else [])])


def archive_no(year: int, category: str, household: str | None, number: int) -> str:
    return f"{series(year, category, household)}-{number:04d}"


def split_archive_no(number: str) -> tuple[str, int] | None:
    """``2024-correspondence-A-1201-0007`` → (``2024-correspondence-A-1201``, 7); None
    for a string ``archive_no`` would not have written (no series, no number, 0, or digits
    not written as ``archive_no`` writes them)."""
    prefix, _, digits = number.rpartition("-")
    if not prefix or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return (prefix, value) if value > 0 and digits == f"{value:04d}" else None
