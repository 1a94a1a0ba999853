"""The top bar offers each person the parts of the archive their roles open, from the role
lists the services check: nobody is shown a part that would refuse them."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from services.common.auth import Principal
from services.web.navigation import navigation


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
    bar = asdict(navigation(Principal(username="someone", roles=roles)))
    assert {part for part, shown in bar.items() if shown} == offered
