"""``archive audit list`` as a compliance officer reads it: a change of the occupants
history tells its story, the occupants by name and the day, not only ids and counts."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from services.cli.audit import audit_table
from services.common.contracts.registry import AuditRecord


def test_a_change_of_occupant_is_listed_with_both_names_and_the_day() -> None:
    entry = AuditRecord(
        seq=7, at=datetime(2024, 5, 1, 2, tzinfo=UTC), username="wang",
        action="occupant_changed", document_id=None, outcome="allowed", code=None,
        detail={"household": "A-1202", "occupancy_id": 3, "occupant": "孙丽",
                "moved_in": "2024-05-01", "previous_occupancy_id": 1,
                "previous_occupant": "李娜", "documents_recomputed": 3,
                "documents_attached": 0},
        prev_hash="0" * 64, hash="1" * 64)
    console = Console(record=True, width=400)
    console.print(audit_table([entry], UTC, names={"wang": "王芳"}))
    listed = console.export_text()
    assert "occupant_changed (住户变更)" in listed  # the code, and the page's name
    assert "王芳（wang）" in listed  # who did it, by name
    assert ("household=A-1202; occupancy_id=3; occupant=孙丽; moved_in=2024-05-01; "
            "previous_occupancy_id=1; previous_occupant=李娜") in listed
