"""Resolving loss and damage reports (B5) on both engines: an archivist closes an open
incident once, with what was done, recorded as a step of its loan and audited; anyone
else, an unknown incident, a second resolution and a blank note are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.common.contracts.lending import Incident
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.registry.journal.models import AuditQuery
from services.registry.lending.models import IncidentResolution, ReturnCheck
from services.registry.lending.rules import resolution_refusal
from tests.support.registry import INGEST
from tests.unit.registry.lending.conftest import START, Lending, person


async def _damaged(lending: Lending, borrower: str = "li") -> Incident:
    """A paper loan returned damaged: its incident, open."""
    loan = await lending.out(borrower, [await lending.file()])
    await lending.services.circulation.return_loan(
        person("wang"), loan.loan_id, ReturnCheck(intact=False, note="第3页撕裂"))
    incidents = await lending.services.lending.incidents(open_only=True, limit=10, offset=0)
    return next(i for i in incidents if i.loan_id == loan.loan_id)


async def test_an_archivist_resolves_an_open_incident_once_and_the_loan_shows_it(
        lending: Lending) -> None:
    incident = await _damaged(lending)
    assert (incident.resolved_by, incident.resolved_at, incident.resolution) == (
        None, None, None)
    lending.clock.advance(timedelta(days=2))
    resolved = await lending.services.lending.resolve_incident(
        person("sun"), incident.incident_id, IncidentResolution(note="  已修复并由借阅人签字确认 "))
    assert (resolved.resolved_by, resolved.resolved_at, resolved.resolution) == (
        "sun", START + timedelta(days=2), "已修复并由借阅人签字确认")
    loan = await lending.services.lending.loan(person("wang"), incident.loan_id)
    assert loan.incidents == [resolved]
    # Open and resolved incidents are listed apart, and together.
    open_now = await lending.services.lending.incidents(open_only=True, limit=10, offset=0)
    closed = await lending.services.lending.incidents(open_only=False, limit=10, offset=0)
    every = await lending.services.lending.incidents(open_only=None, limit=10, offset=0)
    assert incident.incident_id not in {i.incident_id for i in open_now}
    assert [i.incident_id for i in closed] == [incident.incident_id]
    assert resolved in every

    with pytest.raises(Conflict) as again:
        await lending.services.lending.resolve_incident(
            person("wang"), incident.incident_id, IncidentResolution(note="再处理一次"))
    assert again.value.code == "incident_resolved"
    # O4: the resolution is audited on the loan's document, like the loan's other steps.
    entries = await lending.services.journal.entries(INGEST, AuditQuery(username="sun"))
    assert [(e.action, e.outcome) for e in entries] == [("loan_incident_resolved", "allowed")]
    assert entries[0].document_id is not None
    assert entries[0].detail["incident_id"] == incident.incident_id
    assert entries[0].detail["resolution"] == "已修复并由借阅人签字确认"


@pytest.mark.parametrize("caller", ["zhou", "chen", "li"])
async def test_only_an_archivist_resolves_and_the_refusal_is_audited(
        lending: Lending, caller: str) -> None:
    incident = await _damaged(lending)
    with pytest.raises(Forbidden) as refused:
        await lending.services.lending.resolve_incident(
            person(caller), incident.incident_id, IncidentResolution(note="已处理"))
    assert refused.value.code == "role_required"
    # Not even whether the incident exists: an unknown id is refused the same way.
    with pytest.raises(Forbidden):
        await lending.services.lending.resolve_incident(
            person(caller), "no-such-incident", IncidentResolution(note="已处理"))
    entries = await lending.services.journal.entries(INGEST, AuditQuery(username=caller))
    assert [(e.action, e.outcome, e.code) for e in entries][-2:] == [
        ("loan_incident_resolved", "refused", "role_required")] * 2
    still = await lending.services.lending.incidents(open_only=True, limit=10, offset=0)
    assert incident.incident_id in {i.incident_id for i in still}


async def test_an_unknown_incident_and_a_blank_note_are_refused(lending: Lending) -> None:
    incident = await _damaged(lending)
    with pytest.raises(NotFound) as unknown:
        await lending.services.lending.resolve_incident(
            person("wang"), "00000000-0000-0000-0000-000000000000",
            IncidentResolution(note="已处理"))
    assert unknown.value.code == "unknown_incident"
    with pytest.raises(ValidationFailed) as blank:
        await lending.services.lending.resolve_incident(
            person("wang"), incident.incident_id, IncidentResolution(note="  \n "))
    assert blank.value.code == "resolution_required"


def test_the_rule_checks_the_role_before_the_incident() -> None:
    resolved = Incident(incident_id="i", loan_id="l", note=None, reported_by="wang",
                        reported_at=START, resolved_by="sun", resolved_at=START,
                        resolution="已赔偿")
    assert resolution_refusal(person("zhou"), None, "i").code == "role_required"  # type: ignore[union-attr]
    assert resolution_refusal(person("wang"), None, "i").code == "unknown_incident"  # type: ignore[union-attr]
    assert resolution_refusal(person("wang"), resolved, "i").code == "incident_resolved"  # type: ignore[union-attr]
    open_one = Incident(incident_id="i", loan_id="l", note=None, reported_by="wang",
                        reported_at=START)
    assert resolution_refusal(person("sun"), open_one, "i") is None
