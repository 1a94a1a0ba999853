"""Who reads which retention page (R6): every witness reads the register they sign, and
only retention's readers the other pages (and the register page's way to them)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.auth import Principal
from services.common.contracts.retention import Destruction
from services.common.retention import WITNESS_ROLES
from services.web.retention_page import destruction_page, may_read, may_read_register

REGISTER = Destruction(destruction_id="d1", sweep_id="s1", status="awaiting_witnesses",
                       created_by="qian", created_at=datetime(2030, 7, 29, tzinfo=UTC),
                       witnesses=[], items=[], digest="0" * 64, witnesses_missing=2)


def _person(*roles: str) -> Principal:
    return Principal(username="someone", roles=roles, clearance="secret")


@pytest.mark.parametrize("role", WITNESS_ROLES)
def test_every_witness_reads_the_register_and_may_sign_it(role: str) -> None:
    person = _person(role)
    assert may_read_register(person)
    page = destruction_page(person, REGISTER)
    assert (page.can.witness, page.signed, page.own) == (True, False, False)


def test_a_center_head_reads_the_register_but_no_other_retention_page() -> None:
    center_head = _person("center_head")
    assert not may_read(center_head)
    assert not destruction_page(center_head, REGISTER).retention
    assert destruction_page(_person("compliance"), REGISTER).retention


@pytest.mark.parametrize("roles", [("staff",), ()])
def test_someone_who_may_not_witness_reads_no_register(roles: tuple[str, ...]) -> None:
    assert not may_read_register(_person(*roles))
