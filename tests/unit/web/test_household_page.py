"""The household page's file list: a document above ordinary carries its level's badge, in
the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.common.auth import Principal
from services.common.contracts.households import Household
from services.common.contracts.registry import DocumentRecord
from services.web.household_page import household_page
from services.web.navigation import layout as page_layout
from services.web.render import Pages

AT = datetime(2030, 6, 1, tzinfo=UTC)
WANG = Principal(username="wang", roles=("archivist",), clearance="secret",
                 department="archive")


def _record(document_id: str, security: str) -> DocumentRecord:
    return DocumentRecord(
        document_id=document_id, archive_no=f"2030-repair-A-1201-000{document_id}",
        sha256="0" * 64, household="A-1201", occupancy_id=None, category="repair",
        title=f"报修单 {document_id}", filed_at=date(2030, 5, 1),
        security=security,  # type: ignore[arg-type]
        personal_info=False, working=False, location=None, is_copy=False, language="zh",
        pages=1, extraction=None, media_type="application/pdf", size_bytes=10,
        original_filename=None, retention_class="short", retention_start=date(2030, 5, 1),
        disposal_due=date(2040, 5, 1), status="active", version=1, filed_by="wang",
        registered_at=AT, updated_at=AT)


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
