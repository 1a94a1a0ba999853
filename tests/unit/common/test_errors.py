"""An error said on one line (``ArchiveError.explained``): the detail, its code, and the
archive numbers (or documents) it names, bounded."""

from __future__ import annotations

from services.common.errors import NAMED_AT_MOST, Conflict, Forbidden, NotFound


def test_an_error_naming_archive_numbers_lists_them_after_its_code() -> None:
    refused = Forbidden("1 document(s) are confidential; leave them out",
                        code="not_downloadable",
                        extra={"archive_numbers": ["2011-contact-A-1201-0001"]})
    assert refused.explained == ("1 document(s) are confidential; leave them out "
                                 "(not_downloadable): 2011-contact-A-1201-0001")


def test_archive_numbers_are_preferred_to_document_ids() -> None:
    refused = Conflict("held", code="on_hold", extra={
        "documents": ["id-1"], "archive_numbers": ["2015-repair-A-1201-0001"]})
    assert refused.explained == "held (on_hold): 2015-repair-A-1201-0001"


def test_a_long_list_is_cut_saying_how_many_more() -> None:
    typed = [f"no-{number}" for number in range(NAMED_AT_MOST + 3)]
    refused = NotFound("unknown", code="unknown_document", extra={"documents": typed})
    assert refused.explained.endswith(f"no-{NAMED_AT_MOST - 1} and 3 more")
    assert f"no-{NAMED_AT_MOST}," not in refused.explained


def test_an_error_naming_nothing_is_its_detail_and_code() -> None:
    assert Conflict("state", code="invalid_transition").explained == "state (invalid_transition)"
