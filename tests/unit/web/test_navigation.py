"""The top bar offers each person the parts of the archive their roles open, from the role
lists the services check: nobody is shown a part that would refuse them."""

from __future__ import annotations

import re

import pytest

from services.common.auth import Principal
from services.web.navigation import SECTIONS, navigation
from services.web.render import TEMPLATES


@pytest.mark.parametrize(("roles", "offered"), [
    (("staff",), set()),
    (("archivist",), {"ingest", "review", "statistics", "inventories", "retention",
                      "handovers", "catalogues"}),
    (("compliance",), {"statistics", "inventories", "retention", "handovers", "catalogues"}),
    (("manager",), {"retention", "handovers"}),
    (("center_head",), {"handovers"}),
    (("director",), {"statistics", "inventories", "retention", "handovers"}),
    (("admin",), {"review", "statistics", "inventories", "retention", "handovers",
                  "catalogues", "accounts"}),
    (("staff", "manager"), {"retention", "handovers"}),
])
def test_the_bar_offers_the_parts_each_role_opens(roles: tuple[str, ...],
                                                  offered: set[str]) -> None:
    assert navigation(Principal(username="someone", roles=roles)) == offered


def test_the_bar_shows_each_part_by_the_name_navigation_gives_it() -> None:
    bar = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert set(re.findall(r'{% if "(\w+)" in navigation %}', bar)) == set(SECTIONS)
