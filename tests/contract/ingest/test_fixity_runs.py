"""Contract of fixity runs in ingest's database (reliability.md promise 6): one at a time,
a run whose process died is failed when the next starts, and the schedule counts from the
last run that checked (or the first upload), trying a failed one again after a back-off.

Each test runs on SQLite, on the session's PostgreSQL cluster, and on PostgreSQL in a
container (skipped, saying why, without Docker), each time on a fresh, empty database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.common.auth import SERVICE_PREFIX
from services.common.clock import FixedClock
from services.common.contracts.ingest import FixityRun
from services.common.contracts.registry import FixityPage, FixityResult, NumberingReport
from services.common.db import create_engine, migrate
from services.common.errors import DependencyUnavailable, NotFound
from services.common.objectstore import ObjectStore, original_key
from services.common.objectstore.directory import DirectoryObjectStore
from services.ingest.fixity.checker import FixityCatalogue, FixityChecker
from services.ingest.fixity.repository import STALE_AFTER, FixityRuns
from services.ingest.fixity.schedule import RETRY_INITIAL_S, SCHEDULED_BY, FixitySchedule
from services.ingest.jobs import JobQueue
from tests.fixtures.postgres import DATABASES_WITH_CONTAINER
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.parametrize("database_url", DATABASES_WITH_CONTAINER, indirect=True)

WEEK = timedelta(days=7)


class EmptyCatalogue:
    """A registry with nothing filed (the runs here are about scheduling, not checking),
    keeping the results it is sent."""

    def __init__(self) -> None:
        self.recorded: list[FixityResult] = []

    async def record_fixity(self, result: FixityResult) -> None:
        self.recorded.append(result)

    async def fixity_numbers(self) -> NumberingReport:
        return NumberingReport(series=0, documents=0, gaps=[], duplicates=[],
                               counter_mismatches=[])

    async def fixity_documents(self, after: str | None, *, limit: int = 500) -> FixityPage:
        return FixityPage(entries=[], next_after=None)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


@pytest.fixture
async def database(database_url: str) -> str:
    await migrate(database_url, "ingest")
    return database_url


@pytest.fixture
async def runs(database: str, clock: FixedClock) -> AsyncIterator[FixityRuns]:
    engine = create_engine(database)
    yield FixityRuns(engine, clock)
    await engine.dispose()


def _checker(runs: FixityRuns, clock: FixedClock, tmp_path: Path, *,
             catalogue: FixityCatalogue | None = None, store: ObjectStore | None = None
             ) -> FixityChecker:
    return FixityChecker(runs, catalogue or EmptyCatalogue(),
                         store or DirectoryObjectStore(tmp_path / "objects"),
                         JobQueue(runs.engine, clock, max_attempts=3), clock)


def _schedule(runs: FixityRuns, clock: FixedClock, tmp_path: Path, *,
              tick_s: float = 3600.0, catalogue: FixityCatalogue | None = None
              ) -> FixitySchedule:
    return FixitySchedule(_checker(runs, clock, tmp_path, catalogue=catalogue), runs, clock,
                          interval=WEEK, tick_s=tick_s)


async def _first_upload(database: str, clock: FixedClock) -> None:
    engine = create_engine(database)
    try:
        await JobQueue(engine, clock, max_attempts=3).enqueue("a" * 64, {})
    finally:
        await engine.dispose()


async def _finished(runs: FixityRuns, run: FixityRun) -> FixityRun:
    async def finished() -> FixityRun | None:
        now = await runs.get(run.run_id)
        return None if now.status == "running" else now

    return await eventually_async(finished, timeout_s=4, interval_s=0.02,
                                  what=f"fixity run {run.run_id} did not finish")


async def test_a_second_run_cannot_start_beside_a_running_one(runs: FixityRuns) -> None:
    first, created = await runs.start(trigger="manual", started_by="li")
    again, created_again = await runs.start(trigger="scheduled", started_by="schedule")
    assert (created, created_again) == (True, False)
    assert again.run_id == first.run_id
    assert again.status == "running"


async def test_concurrent_starts_make_one_run(runs: FixityRuns) -> None:
    started = await asyncio.gather(*(runs.start(trigger="manual", started_by=f"u{n}")
                                     for n in range(6)))
    assert len({run.run_id for run, _ in started}) == 1
    assert sum(created for _, created in started) == 1


async def test_a_finished_run_keeps_its_findings_and_frees_the_slot(runs: FixityRuns) -> None:
    run, _ = await runs.start(trigger="manual", started_by="li")
    run.documents_total = run.documents_checked = 3
    run.bytes_hashed = 1234
    await runs.finish(run)
    done = await runs.get(run.run_id)
    assert (done.status, done.documents_checked, done.bytes_hashed) == ("done", 3, 1234)
    assert done.finished_at is not None
    following, created = await runs.start(trigger="manual", started_by="li")
    assert created
    assert following.run_id != run.run_id


async def test_a_run_whose_process_died_is_failed_when_the_next_starts(
    runs: FixityRuns, clock: FixedClock,
) -> None:
    dead, _ = await runs.start(trigger="manual", started_by="li")
    clock.advance(STALE_AFTER + timedelta(seconds=1))
    following, created = await runs.start(trigger="manual", started_by="li")
    assert created
    failed = await runs.get(dead.run_id)
    assert failed.status == "failed"
    assert "interrupted" in (failed.error or "")
    assert following.status == "running"


async def test_a_run_that_saves_progress_is_not_taken_for_dead(
    runs: FixityRuns, clock: FixedClock,
) -> None:
    run, _ = await runs.start(trigger="manual", started_by="li")
    clock.advance(STALE_AFTER - timedelta(minutes=1))
    await runs.save(run)
    clock.advance(timedelta(minutes=5))
    again, created = await runs.start(trigger="manual", started_by="li")
    assert not created
    assert again.run_id == run.run_id


async def test_runs_are_listed_newest_first_and_an_unknown_one_is_404(
    runs: FixityRuns, clock: FixedClock,
) -> None:
    ids = []
    for _ in range(3):
        run, _ = await runs.start(trigger="manual", started_by="li")
        await runs.finish(run)
        ids.append(run.run_id)
        clock.advance(timedelta(hours=1))
    assert [run.run_id for run in await runs.list(limit=10, offset=0)] == ids[::-1]
    assert [run.run_id for run in await runs.list(limit=1, offset=1)] == [ids[1]]
    with pytest.raises(NotFound) as missing:
        await runs.get("no-such-run")
    assert missing.value.code == "unknown_fixity_run"


async def test_schedule_counts_from_the_first_upload_then_from_the_last_run(
    runs: FixityRuns, database: str, clock: FixedClock, tmp_path: Path,
) -> None:
    schedule = _schedule(runs, clock, tmp_path)
    assert not await schedule.due()  # nothing uploaded, nothing to check
    await _first_upload(database, clock)
    clock.advance(WEEK - timedelta(minutes=1))
    assert not await schedule.due()
    clock.advance(timedelta(minutes=1))
    assert await schedule.due()
    run, _ = await runs.start(trigger="scheduled", started_by="schedule")
    await runs.finish(run)
    assert not await schedule.due()
    clock.advance(WEEK)
    assert await schedule.due()


async def test_the_schedule_starts_a_run_when_one_is_due(
    runs: FixityRuns, database: str, clock: FixedClock, tmp_path: Path,
) -> None:
    await _first_upload(database, clock)
    clock.advance(WEEK)
    schedule = _schedule(runs, clock, tmp_path, tick_s=0.05)
    schedule.start()
    try:
        async def one_done() -> bool:
            return any(run.status == "done" for run in await runs.list(limit=5, offset=0))

        await eventually_async(one_done, timeout_s=5, what="the scheduled run was not done")
        listed = await runs.list(limit=5, offset=0)
    finally:
        await schedule.stop()
        await schedule.checker.stop()
    assert [(run.trigger, run.status, run.started_by) for run in listed] == [
        ("scheduled", "done", SCHEDULED_BY)]
    # A service's name, which no account may take, the pages name as the archive (档案系统).
    assert SCHEDULED_BY.startswith(SERVICE_PREFIX)


class UnreachableCatalogue(EmptyCatalogue):
    async def fixity_numbers(self) -> NumberingReport:
        raise DependencyUnavailable("the registry did not answer", code="registry_unavailable")


async def test_a_run_that_cannot_reach_the_registry_fails_saying_why(
    runs: FixityRuns, clock: FixedClock, tmp_path: Path,
) -> None:
    checker = _checker(runs, clock, tmp_path, catalogue=UnreachableCatalogue())
    run = await _finished(runs, await checker.start(trigger="manual", started_by="li"))
    assert run.status == "failed"
    assert "the registry did not answer (registry_unavailable)" in (run.error or "")
    assert (await runs.start(trigger="manual", started_by="li"))[1]


class RegistryNotYetListening(EmptyCatalogue):
    """The registry of the same process before its server listens: unreachable until
    ``listening`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.listening = False

    async def fixity_numbers(self) -> NumberingReport:
        if not self.listening:
            raise DependencyUnavailable("the registry service at http://127.0.0.1:8000 "
                                        "cannot be reached", code="registry_unreachable")
        return await super().fixity_numbers()


async def _scheduled_run_ends(schedule: FixitySchedule) -> FixityRun:
    await schedule.start_if_due()
    [newest, *_] = await schedule.runs.list(limit=1, offset=0)
    return await _finished(schedule.runs, newest)


async def test_a_failed_scheduled_run_is_not_the_last_check_and_is_tried_again_soon(
    runs: FixityRuns, database: str, clock: FixedClock, tmp_path: Path,
) -> None:
    await _first_upload(database, clock)
    clock.advance(WEEK)
    registry = RegistryNotYetListening()
    schedule = _schedule(runs, clock, tmp_path, catalogue=registry)
    retry = timedelta(seconds=RETRY_INITIAL_S)
    try:
        assert (await _scheduled_run_ends(schedule)).status == "failed"
        assert not await schedule.due()
        clock.advance(retry)
        assert await schedule.due()  # a minute later, not a week
        assert (await _scheduled_run_ends(schedule)).status == "failed"
        clock.advance(retry)
        assert not await schedule.due()  # the pause doubles with each failure in a row
        clock.advance(retry)
        assert await schedule.due()
        registry.listening = True
        assert (await _scheduled_run_ends(schedule)).status == "done"
    finally:
        await schedule.checker.stop()
    assert not await schedule.due()
    clock.advance(WEEK - timedelta(minutes=1))
    assert not await schedule.due()
    clock.advance(timedelta(minutes=1))
    assert await schedule.due()


async def test_an_original_no_record_or_job_names_is_reported_and_a_queued_one_is_not(
    runs: FixityRuns, clock: FixedClock, tmp_path: Path,
) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    stray, queued = "a" * 64, "b" * 64
    for sha256 in (stray, queued):
        await store.put_bytes(original_key(sha256), b"bytes")
    await JobQueue(runs.engine, clock, max_attempts=3).enqueue(queued, {})
    catalogue = EmptyCatalogue()
    checker = _checker(runs, clock, tmp_path, catalogue=catalogue, store=store)
    run = await _finished(runs, await checker.start(trigger="manual", started_by="li"))
    assert [(finding.kind, original_key(stray) in finding.detail)
            for finding in run.findings] == [("original_unaccounted", True)]
    [recorded] = catalogue.recorded
    assert (recorded.run_id, recorded.findings) == (run.run_id, run.findings)
