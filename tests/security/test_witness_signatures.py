"""R6: a witness signs the register's items as they stand. An insider who swaps an item
after the witnesses signed (here: a document nobody approved for destruction) finds the
signatures void at execution; whoever drew up the register, or executes it, cannot be
one of its witnesses."""

from __future__ import annotations

import pytest

from tests.security.conftest import Secured
from tests.security.support import (
    DUE,
    People,
    destruction_register,
    file_document,
    run_sql,
    witness,
)

pytestmark = pytest.mark.shared_server
"""One server per backend: each test sweeps only the document it files (one already in a
sweep is in no later one), and moving the clock on past R5's wait changes nothing for the
others' registers."""


def test_a_signature_replayed_after_an_item_changed_is_void(secured: Secured, people: People
                                                            ) -> None:
    register = destruction_register(secured, people, [file_document(people["wang"], **DUE)])
    assert [witness(people, name, register).status_code for name in ("wang", "sun")] == [
        200, 200]
    kept = file_document(people["wang"], category="contract", filed_at="2010-03-01")
    run_sql(secured, "UPDATE destruction_items SET document_id = :kept, archive_no = :no "
            "WHERE destruction_id = :id", kept=kept["document_id"], no=kept["archive_no"],
            id=register["destruction_id"])
    executed = people["qin"].post(f"/registry/destructions/{register['destruction_id']}/execute")
    assert (executed.status_code, executed.json()["code"]) == (409, "signatures_void")
    assert sorted(executed.json()["witnesses"]) == ["sun", "wang"]
    record = people["wang"].get(f"/registry/documents/{kept['document_id']}").json()
    assert record["status"] == "active"


def test_a_signature_over_items_the_witness_did_not_see_is_refused(
        secured: Secured, people: People) -> None:
    register = destruction_register(secured, people, [file_document(people["wang"], **DUE)])
    stale = {**register, "digest": "0" * 64}
    refused = witness(people, "wang", stale)
    assert (refused.status_code, refused.json()["code"]) == (409, "register_changed")


def test_the_registers_creator_cannot_witness_it(secured: Secured, people: People) -> None:
    register = destruction_register(secured, people, [file_document(people["wang"], **DUE)])
    refused = witness(people, "qin", register)
    assert (refused.status_code, refused.json()["code"]) == (403, "own_register")


def test_a_witness_cannot_execute_the_register(secured: Secured, people: People) -> None:
    register = destruction_register(secured, people, [file_document(people["wang"], **DUE)])
    for name in ("wang", "hu"):
        assert witness(people, name, register).status_code == 200
    refused = people["hu"].post(f"/registry/destructions/{register['destruction_id']}/execute")
    assert (refused.status_code, refused.json()["code"]) == (403, "witness_executes")
