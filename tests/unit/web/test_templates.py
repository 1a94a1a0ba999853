"""The pages draw each kind of thing one way: a table of records through ``table_of`` in
``macros.html``, which gives every table its ARIA roles and screen-reader caption."""

from __future__ import annotations

import re

from services.web.render import TEMPLATES

OWN_TABLES = {
    "macros.html": "table_of itself",
    "statistics.html": "a numbers table with a total row (tfoot) and right-aligned counts",
}


def test_every_table_of_records_is_drawn_by_table_of() -> None:
    drawn_by_hand = {
        page.name: len(re.findall(r"<table\b", page.read_text(encoding="utf-8")))
        for page in sorted(TEMPLATES.glob("*.html"))
        if page.name not in OWN_TABLES
    }
    assert {name: count for name, count in drawn_by_hand.items() if count} == {}

