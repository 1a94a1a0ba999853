"""The authorisation matrix of ``can()`` (reliability promise 2), table-driven:
roles × clearance × security level × personal_info × grant, for every action."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.common.auth import Principal
from services.common.contracts.registry import AccessFilter, Action, DocumentStatus
from services.common.errors import NotFound
from services.common.models import ROLES, SecurityLevel
from services.registry.access import (
    NO_GRANTS,
    AccessGrants,
    access_filter,
    can,
    known_to,
    visible_to,
)

# Expected outcome per action; roles other than the archivist's ``correct`` change nothing.
#   allowed: yes · view: yes, view-only · hidden: not_visible (a 404) · other: refusal code
MATRIX = """
clearance     security      personal granted  read     read_text    download
ordinary      ordinary      no       no       allowed  allowed      allowed
ordinary      ordinary      no       yes      allowed  allowed      allowed
ordinary      ordinary      yes      no       allowed  needs_grant  needs_grant
ordinary      ordinary      yes      yes      allowed  view         view_only
ordinary      confidential  no       no       hidden   hidden       hidden
ordinary      confidential  no       yes      hidden   hidden       hidden
ordinary      confidential  yes      no       hidden   hidden       hidden
ordinary      confidential  yes      yes      hidden   hidden       hidden
ordinary      secret        no       no       hidden   hidden       hidden
ordinary      secret        no       yes      hidden   hidden       hidden
ordinary      secret        yes      no       hidden   hidden       hidden
ordinary      secret        yes      yes      hidden   hidden       hidden
confidential  ordinary      no       no       allowed  allowed      allowed
confidential  ordinary      no       yes      allowed  allowed      allowed
confidential  ordinary      yes      no       allowed  needs_grant  needs_grant
confidential  ordinary      yes      yes      allowed  view         view_only
confidential  confidential  no       no       allowed  needs_grant  needs_grant
confidential  confidential  no       yes      allowed  view         view_only
confidential  confidential  yes      no       allowed  needs_grant  needs_grant
confidential  confidential  yes      yes      allowed  view         view_only
confidential  secret        no       no       hidden   hidden       hidden
confidential  secret        no       yes      hidden   hidden       hidden
confidential  secret        yes      no       hidden   hidden       hidden
confidential  secret        yes      yes      hidden   hidden       hidden
secret        ordinary      no       no       allowed  allowed      allowed
secret        ordinary      no       yes      allowed  allowed      allowed
secret        ordinary      yes      no       allowed  needs_grant  needs_grant
secret        ordinary      yes      yes      allowed  view         view_only
secret        confidential  no       no       allowed  needs_grant  needs_grant
secret        confidential  no       yes      allowed  view         view_only
secret        confidential  yes      no       allowed  needs_grant  needs_grant
secret        confidential  yes      yes      allowed  view         view_only
secret        secret        no       no       allowed  needs_grant  needs_grant
secret        secret        no       yes      allowed  view         view_only
secret        secret        yes      no       allowed  needs_grant  needs_grant
secret        secret        yes      yes      allowed  view         view_only
"""


@dataclass(frozen=True)
class Doc:
    document_id: str
    security: SecurityLevel
    personal_info: bool
    status: DocumentStatus = "active"


@dataclass(frozen=True)
class Case:
    clearance: SecurityLevel
    security: SecurityLevel
    personal_info: bool
    granted: bool
    expected: dict[Action, str]

    def __str__(self) -> str:
        return (f"{self.clearance}-reads-{self.security}"
                f"{'-personal' if self.personal_info else ''}{'-granted' if self.granted else ''}")


def _cases() -> list[Case]:
    lines = [line.split() for line in MATRIX.strip().splitlines()[1:]]
    return [Case(clearance=c, security=s, personal_info=p == "yes",  # type: ignore[arg-type]
                 granted=g == "yes", expected={"read": r, "read_text": t, "download": d})
            for c, s, p, g, r, t, d in lines]


def _outcome(principal: Principal, action: Action, doc: Doc, grants: AccessGrants) -> str:
    decision = can(principal, action, doc, grants)
    if decision.allowed:
        return "view" if decision.view_only else "allowed"
    return "hidden" if decision.code == "not_visible" else decision.code


def test_the_matrix_covers_every_combination_once() -> None:
    keys = {(c.clearance, c.security, c.personal_info, c.granted) for c in _cases()}
    assert len(keys) == len(_cases()) == 3 * 3 * 2 * 2


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", _cases(), ids=str)
def test_decision_follows_the_matrix_whatever_the_role(case: Case, role: str) -> None:
    principal = Principal(username="u", roles=(role,), clearance=case.clearance)
    doc = Doc(document_id="d1", security=case.security, personal_info=case.personal_info)
    grants = AccessGrants.of(["d1"]) if case.granted else NO_GRANTS
    outcomes = {action: _outcome(principal, action, doc, grants) for action in case.expected}
    assert outcomes == case.expected
    assert _outcome(principal, "list", doc, grants) == case.expected["read"]


CORRECT = [
    # roles, clearance, security, status → outcome of "correct"
    (("archivist",), "confidential", "confidential", "active", "allowed"),
    (("archivist",), "ordinary", "confidential", "active", "hidden"),
    # The corrections refuse a destroyed record's correction (``correction_limit``).
    (("archivist",), "secret", "secret", "destroyed", "allowed"),
    (("manager",), "secret", "ordinary", "active", "role_required"),
    (("admin",), "secret", "ordinary", "active", "role_required"),
    (("staff", "archivist"), "ordinary", "ordinary", "active", "allowed"),
]


@pytest.mark.parametrize(("roles", "clearance", "security", "status", "expected"), CORRECT)
def test_only_an_archivist_corrects_a_visible_document(
        roles: tuple[str, ...], clearance: SecurityLevel, security: SecurityLevel,
        status: DocumentStatus, expected: str) -> None:
    principal = Principal(username="u", roles=roles, clearance=clearance)
    doc = Doc(document_id="d1", security=security, personal_info=False, status=status)
    assert _outcome(principal, "correct", doc, NO_GRANTS) == expected


@pytest.mark.parametrize("action", ["read_text", "download"])
def test_a_destroyed_document_keeps_its_record_but_not_its_content(action: Action) -> None:
    principal = Principal(username="u", roles=("archivist",), clearance="secret")
    doc = Doc(document_id="d1", security="ordinary", personal_info=False, status="destroyed")
    assert _outcome(principal, "read", doc, NO_GRANTS) == "allowed"
    assert _outcome(principal, action, doc, NO_GRANTS) == "destroyed"


@pytest.mark.parametrize("security", ["ordinary", "confidential", "secret"])
def test_our_services_read_and_download_everything_but_never_correct(
        security: SecurityLevel) -> None:
    service = Principal(username="service:search", roles=("service",), clearance="secret")
    doc = Doc(document_id="d1", security=security, personal_info=True)
    outcomes = {a: _outcome(service, a, doc, NO_GRANTS)
                for a in ("list", "read", "read_text", "download", "correct")}
    assert outcomes == {"list": "allowed", "read": "allowed", "read_text": "allowed",
                        "download": "allowed", "correct": "role_required"}


def test_an_admin_has_no_implicit_right_to_read_confidential_files() -> None:
    admin = Principal(username="root", roles=("admin",), clearance="secret")
    doc = Doc(document_id="d1", security="confidential", personal_info=False)
    assert _outcome(admin, "read_text", doc, NO_GRANTS) == "needs_grant"


def test_a_missing_document_is_not_visible() -> None:
    principal = Principal(username="u", roles=("archivist",), clearance="secret")
    assert can(principal, "read", None).code == "not_visible"


def test_the_access_filter_of_a_user_is_their_clearance_and_grants() -> None:
    staff = Principal(username="u", roles=("staff",), clearance="confidential")
    found = access_filter(staff, AccessGrants.of(["d2", "d1"]))
    assert (found.unrestricted, found.visible_levels, found.readable_levels, found.granted) == (
        False, ["ordinary", "confidential"], ["ordinary"], ["d1", "d2"])


def test_the_access_filter_of_a_service_is_unrestricted() -> None:
    service = Principal(username="service:search", roles=("service",), clearance="secret")
    assert access_filter(service).unrestricted


class _Catalogue:
    """Answers which ids exist at which level; records the filters it was asked with."""

    def __init__(self, levels: dict[str, SecurityLevel]) -> None:
        self.levels = levels
        self.asked: list[AccessFilter] = []

    async def visible(self, document_ids: list[str], access: AccessFilter) -> set[str]:
        self.asked.append(access)
        return {d for d in document_ids if self.levels.get(d) in access.visible_levels}


async def test_visible_to_is_the_clearance_ceiling_asked_once() -> None:
    catalogue = _Catalogue({"a": "ordinary", "b": "confidential", "c": "secret"})
    clerk = Principal(username="li", roles=("archivist",), clearance="confidential")
    seen = await visible_to(catalogue, clerk, ["a", "b", "c", "a", "x"])
    assert (seen, len(catalogue.asked)) == ({"a", "b"}, 1)


async def test_visible_to_a_service_is_everything_without_asking() -> None:
    catalogue = _Catalogue({})
    service = Principal(username="service:ingest", roles=("service",), clearance="secret")
    assert (await visible_to(catalogue, service, ["a", "b"]), catalogue.asked) == (
        {"a", "b"}, [])


@pytest.mark.parametrize("clearance", ["ordinary", "confidential", "secret"])
def test_a_document_above_the_readers_clearance_is_as_unknown_as_none(
        clearance: SecurityLevel) -> None:
    reader = Principal(username="u", roles=("archivist",), clearance=clearance)
    for security in ("ordinary", "confidential", "secret"):
        doc = Doc(document_id="d1", security=security, personal_info=True)
        if can(reader, "list", doc).allowed:
            assert known_to(reader, doc, "d1") is doc
            continue
        with pytest.raises(NotFound, match="no document d1") as above:
            known_to(reader, doc, "d1")
        with pytest.raises(NotFound, match="no document d1") as missing:
            known_to(reader, None, "d1")
        assert above.value.code == missing.value.code == "unknown_document"
