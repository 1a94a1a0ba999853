"""B4: a digital loan of a confidential document is renewed at most twice
(``ARCHIVE_LOAN_MAX_RENEWALS``) and never once it has expired; after that the borrower's
access ends and only a new request through the approvals gives it back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.security.conftest import Secured
from tests.security.support import People, file_document

pytestmark = pytest.mark.shared_server
"""One server per backend: each test lends a document of its own, and only its own loan's
dates matter when the clock moves on."""


def _digital_loan_out(people: People, document_id: str) -> str:
    """A digital loan of a confidential document for ``li``, approved and issued."""
    for username in ("li", "zhou", "zhao", "sun"):
        people[username]  # the borrower and the approvers exist before the request
    loan = people["wang"].post("/registry/loans", json={
        "documents": [document_id], "kind": "digital", "purpose": "核对", "reason": "客户查询",
        "borrower": "li"}).json()
    for approver in ("zhou", "zhao", "sun"):
        response = people[approver].post(f"/registry/loans/{loan['loan_id']}/approve",
                                          json={})
        assert response.status_code == 200, response.text
    issued = people["wang"].post(f"/registry/loans/{loan['loan_id']}/issue")
    assert issued.status_code == 200, issued.text
    return str(loan["loan_id"])


def _text_code(people: People, document_id: str) -> Any:
    response = people["li"].post("/registry/access/decide",
                                 json={"document_id": document_id, "action": "read_text"})
    return response.json()["code"]


def test_a_third_renewal_is_refused(secured: Secured, people: People) -> None:
    document = file_document(people["wang"], security="confidential")
    loan_id = _digital_loan_out(people, document["document_id"])
    renewals = [people["li"].post(f"/registry/loans/{loan_id}/renew", json={"renewals": seen})
                for seen in range(3)]
    assert [r.status_code for r in renewals] == [200, 200, 409]
    assert renewals[2].json()["code"] == "renewals_exhausted"
    secured.clock.advance(timedelta(days=22))  # past the end of its 21st day
    assert _text_code(people, document["document_id"]) == "needs_grant"


def test_an_expired_loan_is_not_renewed(secured: Secured, people: People) -> None:
    document = file_document(people["wang"], security="confidential")
    loan_id = _digital_loan_out(people, document["document_id"])
    secured.clock.advance(timedelta(days=8))  # past the end of its 7th day
    refused = people["li"].post(f"/registry/loans/{loan_id}/renew")
    assert (refused.status_code, refused.json()["code"]) == (409, "loan_expired")
    assert _text_code(people, document["document_id"]) == "needs_grant"
