"""The household page's file list: a document above ordinary carries its level's badge, in
the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.auth import Principal
from services.common.contracts.households import Household
from services.common.contracts.registry import DocumentRecord
from services.web.household_page import household_page
from services.web.navigation import layout as page_layout
from services.web.render import Pages
from tests.support.registry import document_record

AT = datetime(2030, 6, 1, tzinfo=UTC)
WANG = Principal(username="wang", roles=("archivist",), clearance="secret",
                 department="archive")


def _record(document_id: str, security: str) -> DocumentRecord:
    return document_record(document_id=document_id,
                           archive_no=f"2020-repair-A-1201-000{document_id}",
                           title=f"报修单 {document_id}", security=security)


def test_the_security_badges_are_in_the_readers_language() -> None:
    household = Household(household="A-1201", building="A", floor=12, unit=1, label=None,
                          occupied=False, occupants=[], created_at=AT, updated_at=AT)
    view = household_page(WANG, household, [_record("1", "secret"),
                                            _record("2", "confidential"),
                                            _record("3", "ordinary")])
    values = page_layout(WANG, "/ui/households/A-1201", "token") | {"view": view}
    english, chinese = (Pages().html(language, "household.html", values)
                        for language in ("en", "zh"))
    assert '<span class="badge">secret</span>' in english
    assert '<span class="badge">confidential</span>' in english
    assert "绝密" not in english
    assert "机密" not in english
    assert '<span class="badge">绝密</span>' in chinese
    assert '<span class="badge">机密</span>' in chinese
