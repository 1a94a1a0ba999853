"""Change feed, retention schedule and audit log over HTTP, with who may use them."""

from __future__ import annotations

from services.registry.schedule.rules import DEFAULT_CLASSES
from tests.e2e.registry.conftest import document_body
from tests.fixtures.app import ArchiveServer


def test_the_feed_is_for_service_tokens_and_admins_only(archive_server: ArchiveServer) -> None:
    admin = archive_server.add_user("root", "admin")
    staff = archive_server.add_user("li", "staff")
    with archive_server.client(archive_server.service_token()) as client:
        for _ in range(3):
            client.post("/registry/documents", json=document_body())
        page = client.get("/registry/changes", params={"after": 1, "limit": 2}).json()
    with archive_server.client(admin) as client:
        as_admin = client.get("/registry/changes").status_code
    with archive_server.client(staff) as client:
        as_staff = client.get("/registry/changes")
    assert [(c["seq"], c["event"]["kind"]) for c in page["changes"]] == [
        (2, "document_filed"), (3, "document_filed")]
    assert (page["last_seq"], page["head"]) == (3, 4)
    assert as_admin == 200
    assert (as_staff.status_code, as_staff.json()["code"]) == (403, "role_required")


def test_the_schedule_is_read_by_anyone_and_changed_by_compliance_or_admin(
        archive_server: ArchiveServer) -> None:
    staff = archive_server.add_user("li", "staff")
    compliance = archive_server.add_user("qian", "compliance")
    new_schedule = {"classes": {**DEFAULT_CLASSES, "visit": "long"},
                    "years": {"long": 30, "short": 10}}
    with archive_server.client(staff) as client:
        read = client.get("/registry/retention/schedule").json()
        refused = client.put("/registry/retention/schedule", json=new_schedule)
    with archive_server.client(compliance) as client:
        changed = client.put("/registry/retention/schedule", json=new_schedule)
    assert (read["classes"]["visit"], read["years"]) == ("short", {"long": 30, "short": 10})
    assert refused.status_code == 403
    assert changed.status_code == 200
    assert changed.json()["schedule"]["classes"]["visit"] == "long"


def test_the_audit_log_is_for_compliance_and_admins_and_its_chain_verifies(
        archive_server: ArchiveServer) -> None:
    compliance = archive_server.add_user("qian", "compliance")
    staff = archive_server.add_user("li", "staff")
    with archive_server.client(archive_server.service_token()) as client:
        filed = client.post("/registry/documents", json=document_body()).json()
    with archive_server.client(staff) as client:
        refused = client.get("/registry/audit").status_code
    with archive_server.client(compliance) as client:
        entries = client.get("/registry/audit",
                             params={"document_id": filed["document_id"]}).json()
        report = client.get("/registry/audit/verify").json()
    assert refused == 403
    assert [(e["action"], e["username"]) for e in entries] == [("filed", "wang")]
    # two users created and logged in, the household and the filing, the staff's refusal
    assert (report["intact"], report["entries"]) == (True, 7)


def test_the_audit_log_reads_newest_first_page_by_page_with_archive_numbers(
        archive_server: ArchiveServer) -> None:
    compliance = archive_server.add_user("qian", "compliance")
    with archive_server.client(archive_server.service_token()) as client:
        filed = [client.post("/registry/documents", json=document_body()).json()
                 for _ in range(3)]
    with archive_server.client(compliance) as client:
        oldest = client.get("/registry/audit", params={"action": "filed"}).json()
        newest = client.get("/registry/audit", params={
            "action": "filed", "order": "newest", "limit": 2}).json()
        older = client.get("/registry/audit", params={
            "action": "filed", "order": "newest", "before_seq": newest[-1]["seq"]}).json()
        refused = client.get("/registry/audit", params={"before_seq": 0})
        only_refused = client.get("/registry/audit", params={"outcome": "refused"}).json()
        all_but_refused = client.get("/registry/audit", params={"outcome": "allowed"}).json()

    numbers = [document["archive_no"] for document in filed]
    assert [entry["archive_no"] for entry in oldest] == numbers
    assert [entry["archive_no"] for entry in newest] == numbers[:0:-1]
    assert [entry["archive_no"] for entry in older] == numbers[:1]
    assert refused.status_code == 400
    # The bad before_seq was refused before it reached the log: no refusal is recorded.
    assert only_refused == []
    assert {entry["outcome"] for entry in all_but_refused} == {"allowed"}
