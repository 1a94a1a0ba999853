"""An upload of bytes filed otherwise (services.ingest.refiling): the refusal says what to
do, and for a household that is a correction of the household (D11), not a new scan."""

from __future__ import annotations

from services.ingest.refiling import filed_differently
from tests.support.registry import document_record


def test_a_household_filed_otherwise_is_put_right_by_a_correction_of_the_household() -> None:
    refusal = filed_differently(["household", "title"], job_id="j1", record=document_record())
    message = str(refusal)
    assert refusal.code == "filed_differently"
    assert "POST /registry/documents/d1/corrections" in message
    assert "a correction of the household moves the document" in message
    assert "Department Head approves" in message
    assert "cannot be corrected" not in message


def test_other_fields_filed_otherwise_do_not_speak_of_the_household() -> None:
    message = str(filed_differently(["title"], job_id="j1", record=document_record()))
    assert "correct the filed record" in message
    assert "household" not in message
