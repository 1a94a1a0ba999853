"""R6 over HTTP: a witness finds the destruction registers waiting for their signature
(``/registry/destructions/awaiting``, and how many: ``/awaiting-count``) instead of being
sent a register's address; the list follows their signatures and the register's state."""

from __future__ import annotations

from datetime import timedelta

from services.common.clock import FixedClock
from tests.e2e.retention.support import START, Archive
from tests.fixtures.app import PASSWORD, StartServer


def _awaiting(archive: Archive, username: str) -> tuple[list[str], int]:
    with archive.as_(username) as client:
        listed = client.get("/registry/destructions/awaiting")
        counted = client.get("/registry/destructions/awaiting-count")
    assert (listed.status_code, counted.status_code) == (200, 200), listed.text
    return [r["destruction_id"] for r in listed.json()], counted.json()["awaiting"]


def test_a_witness_finds_the_registers_waiting_for_their_signature(
        start_archive_server: StartServer) -> None:
    clock = FixedClock(START)
    archive = Archive.open(start_archive_server(clock=clock), clock)
    archive.server.add_user("chen", "center_head", clearance="secret",
                            department="customer_service")
    sweep = archive.approved([archive.file()])
    clock.advance(timedelta(days=184))
    register = archive.register(sweep)
    one = ([register["destruction_id"]], 1)
    # The centre head witnesses without reading retention's lists (R6).
    assert _awaiting(archive, "chen") == _awaiting(archive, "wang") == one
    assert _awaiting(archive, "qian") == ([], 0)  # drew it up
    with archive.as_("li") as staff:
        refused = staff.get("/registry/destructions/awaiting-count")
    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")

    with archive.as_("chen") as chen:
        signed = chen.post(f"/registry/destructions/{register['destruction_id']}/witness",
                           json={"password": PASSWORD})
    assert signed.status_code == 200, signed.text
    assert _awaiting(archive, "chen") == ([], 0)
    assert _awaiting(archive, "wang") == one

    with archive.as_("wang") as wang:
        assert wang.post(f"/registry/destructions/{register['destruction_id']}/witness",
                         json={"password": PASSWORD}).status_code == 200
    assert _awaiting(archive, "sun") == ([], 0)  # two signatures hold
    archive.executed(register)
    assert _awaiting(archive, "zhou") == ([], 0)
