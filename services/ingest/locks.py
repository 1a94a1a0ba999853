"""How long originals are locked in the object store (issue 14, item 4: nothing deletable
early). Where the bucket has Object Lock the lock is COMPLIANCE mode: nobody, not even
the store's administrators, can delete the original or shorten its lock.

- From the moment it is written, an original is locked for ``ARCHIVE_DESTRUCTION_WAIT_DAYS``:
  before it is filed its retention is not known, and no document can be destroyed sooner
  than that after it was written (R5: approved items wait that long, and approval comes
  after filing), so this lock never holds up a destruction.
- Once filed (and whenever a correction or appraisal moves its due date), the retention
  follower extends the lock to its ``disposal_due``; a permanent document's, a century
  ahead. A lock is never shortened; a due date already passed adds nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from services.common.config import Settings

PERMANENT_LOCK = timedelta(days=366 * 100)


def lock_on_write(settings: Settings) -> timedelta:
    return timedelta(days=settings.destruction_wait_days)


def locked_until(disposal_due: date | None, now: datetime) -> datetime:
    """Until when a filed original must be locked: its ``disposal_due`` (midnight UTC), or
    a century from ``now`` for a permanent document (no due date)."""
    if disposal_due is None:
        return now + PERMANENT_LOCK
    return datetime.combine(disposal_due, time.min, tzinfo=UTC)
