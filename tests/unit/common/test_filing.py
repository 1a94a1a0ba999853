"""What a filing files for what it leaves out, and what a filing of bytes already filed is
compared on (``services.common.filing``)."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import BadRequest
from services.common.filing import filed_as, filed_otherwise, filing_defaults
from services.ingest.models import JobPayload, UploadMetadata
from tests.support.registry import document_record, new_document

UPLOAD_DAY = date(2024, 5, 31)
RECORD = document_record(title="报修单", filed_at=date(2020, 5, 1), security="confidential",
                         personal_info=True)
LEFT_OUT = {"title": None, "filed_at": None, "security": None, "personal_info": None}


def test_what_an_upload_leaves_out_takes_the_file_name_the_day_and_the_lowest_level() -> None:
    defaults = filing_defaults(filename="2019/扫描件-17.pdf", today=UPLOAD_DAY)
    filed = filed_as(UploadMetadata(category="repair"), defaults)
    assert (filed.title, filed.filed_at, filed.security, filed.personal_info) == (
        "扫描件-17", UPLOAD_DAY, "ordinary", False)


def test_what_an_upload_says_is_filed_over_the_defaults() -> None:
    said = UploadMetadata(category="repair", title="报修单", filed_at=date(2020, 5, 1),
                          security="secret", personal_info=True)
    filed = filed_as(said, filing_defaults(filename="scan.pdf", today=UPLOAD_DAY))
    assert (filed.title, filed.filed_at, filed.security, filed.personal_info) == (
        "报修单", date(2020, 5, 1), "secret", True)


def test_a_filing_with_no_title_and_no_file_name_is_refused() -> None:
    with pytest.raises(BadRequest) as refused:
        filed_as(UploadMetadata(category="repair"),
                 filing_defaults(filename=None, today=UPLOAD_DAY))
    assert refused.value.code == "invalid_metadata"


def test_a_filing_that_leaves_the_defaulted_fields_out_is_not_compared_on_them() -> None:
    unsaid = new_document(household=RECORD.household, category=RECORD.category, **LEFT_OUT,
                          defaults=filing_defaults(filename="scan.pdf", today=UPLOAD_DAY))
    assert filed_otherwise(unsaid, RECORD) == []


def test_a_filing_saying_the_defaulted_fields_otherwise_names_exactly_those() -> None:
    said = new_document(household=RECORD.household, category=RECORD.category,
                        **{**LEFT_OUT, "title": "scan", "security": "ordinary"},
                        defaults=filing_defaults(filename="scan.pdf", today=UPLOAD_DAY))
    assert filed_otherwise(said, RECORD) == ["title", "security"]


def test_a_job_queued_before_the_defaults_travelled_apart_files_its_metadata() -> None:
    """Its payload's metadata had every default filled in; it reads as said."""
    payload = JobPayload(metadata=UploadMetadata(
        category="repair", title="scan", filed_at=UPLOAD_DAY, security="ordinary",
        personal_info=False), media_type="image/png", size_bytes=1, uploaded_by="li")
    new = JobPayload(metadata=UploadMetadata(category="repair"), media_type="image/png",
                     size_bytes=1, uploaded_by="li",
                     defaults=filing_defaults(filename="scan.png", today=UPLOAD_DAY))
    assert payload.filing() == new.filing()
