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


def archive_no(year: int, category: str, household: str | None, number: int) -> str:
    parts = [str(year), category, *([household] if household else []), f"{number:04d}"]
    return "-".join(parts)
