"""Contract of the durable job queue (architecture principle 4).

Each test runs on SQLite, on the session's PostgreSQL cluster, and on PostgreSQL in a
container (skipped, saying why, without Docker), each time on a fresh, empty database.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import FixedClock
from services.common.db import create_engine, migrate
from services.ingest.jobs import RETRY_INITIAL_S, Job, JobQueue
from tests.fixtures.postgres import DATABASES_WITH_CONTAINER

pytestmark = pytest.mark.parametrize("database_url", DATABASES_WITH_CONTAINER, indirect=True)

SHA = "a" * 64


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


@pytest.fixture
async def queue(database_url: str, clock: FixedClock) -> AsyncIterator[JobQueue]:
    await migrate(database_url, "ingest")
    engine = create_engine(database_url)
    yield JobQueue(engine, clock, max_attempts=3)
    await engine.dispose()


def sha(n: int) -> str:
    return f"{n:064x}"


async def _running(queue: JobQueue) -> Job:
    """A job queued and claimed by the worker ``w`` for 30 s."""
    job, _ = await queue.enqueue(SHA, {})
    assert await queue.claim("w", lease_s=30) is not None
    return job


async def test_the_same_original_is_enqueued_once(queue: JobQueue) -> None:
    first, created = await queue.enqueue(SHA, {"title": "一"})
    again, created_again = await queue.enqueue(SHA, {"title": "一"})
    assert created
    assert not created_again
    assert again.job_id == first.job_id


async def test_concurrent_workers_each_claim_a_different_job(queue: JobQueue) -> None:
    for n in range(20):
        await queue.enqueue(sha(n), {})
    claims = await asyncio.gather(*(queue.claim(f"w{n}", lease_s=60) for n in range(30)))
    claimed = [job.job_id for job in claims if job is not None]
    assert len(claimed) == 20
    assert len(set(claimed)) == 20


async def test_a_job_whose_worker_died_is_claimed_again_after_its_lease(
        queue: JobQueue, clock: FixedClock) -> None:
    job, _ = await queue.enqueue(SHA, {})
    assert (await queue.claim("dead", lease_s=30)) is not None
    assert await queue.claim("alive", lease_s=30) is None
    clock.advance(timedelta(seconds=31))
    taken = await queue.claim("alive", lease_s=30)
    assert taken is not None
    assert taken.job_id == job.job_id
    assert taken.attempts == 2


async def test_a_worker_that_lost_its_lease_cannot_complete_the_job(
        queue: JobQueue, clock: FixedClock) -> None:
    job, _ = await queue.enqueue(SHA, {})
    await queue.claim("slow", lease_s=30)
    clock.advance(timedelta(seconds=31))
    await queue.claim("fast", lease_s=30)
    assert not await queue.complete(job.job_id, "slow", document_id="d1", pages=1)
    assert await queue.complete(job.job_id, "fast", document_id="d2", pages=1)
    done = await queue.get(job.job_id)
    assert (done.status, done.document_id) == ("done", "d2")


async def test_a_transient_failure_backs_off_then_runs_again(
        queue: JobQueue, clock: FixedClock) -> None:
    job = await _running(queue)
    assert await queue.retry(job.job_id, "w", error="store timed out", code="timeout")
    assert await queue.claim("w", lease_s=30) is None
    clock.advance(timedelta(seconds=RETRY_INITIAL_S))
    again = await queue.claim("w", lease_s=30)
    assert again is not None
    assert again.attempts == 2


async def test_jobs_that_failed_together_do_not_all_come_back_together(
        queue: JobQueue, clock: FixedClock) -> None:
    """A peer away fails a whole batch at once; its retries are spread over the last
    quarter of the pause, not all due at the same instant."""
    due = set()
    for n in range(8):
        job, _ = await queue.enqueue(f"{n:064x}", {})
        assert await queue.claim("w", lease_s=30) is not None
        assert await queue.retry(job.job_id, "w", error="registry away", code="unavailable")
        due.add((await queue.get(job.job_id)).run_after - clock.now())
    assert len(due) > 1
    assert all(timedelta(seconds=0.75 * RETRY_INITIAL_S) <= pause
               <= timedelta(seconds=RETRY_INITIAL_S) for pause in due)


async def test_the_last_attempt_fails_the_job_with_its_reason(
        queue: JobQueue, clock: FixedClock) -> None:
    job, _ = await queue.enqueue(SHA, {})
    for _ in range(3):
        claimed = await queue.claim("w", lease_s=30)
        assert claimed is not None
        await queue.retry(job.job_id, "w", error="store timed out", code="timeout")
        clock.advance(timedelta(hours=1))
    failed = await queue.get(job.job_id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert "gave up after 3 attempts" in failed.error


async def test_a_job_whose_worker_keeps_dying_ends_failed_not_stuck(
        queue: JobQueue, clock: FixedClock) -> None:
    job, _ = await queue.enqueue(SHA, {})
    for _ in range(3):
        assert await queue.claim("doomed", lease_s=30) is not None
        clock.advance(timedelta(seconds=31))
    assert await queue.claim("next", lease_s=30) is None
    failed = await queue.get(job.job_id)
    assert (failed.status, failed.error_code) == ("failed", "worker_died")


async def test_a_permanent_failure_ends_the_job_at_once(queue: JobQueue) -> None:
    job = await _running(queue)
    await queue.fail(job.job_id, "w", error="the PDF is truncated", code="corrupt_pdf")
    failed = await queue.get(job.job_id)
    assert (failed.status, failed.error) == ("failed", "the PDF is truncated")


async def test_uploading_a_failed_original_again_queues_it_again(queue: JobQueue) -> None:
    job = await _running(queue)
    await queue.fail(job.job_id, "w", error="engine crashed", code="ocr_failed")
    again, created = await queue.enqueue(SHA, {})
    assert created
    assert (again.job_id, again.status, again.attempts) == (job.job_id, "queued", 0)


async def test_jobs_are_listed_by_status_and_counted(queue: JobQueue) -> None:
    for n in range(3):
        await queue.enqueue(sha(n), {})
    claimed = await queue.claim("w", lease_s=30)
    assert claimed is not None
    await queue.complete(claimed.job_id, "w", document_id="d", pages=2)
    assert [job.job_id for job in await queue.list(status="done")] == [claimed.job_id]
    assert len(await queue.list(status="queued")) == 2
    assert await queue.counts() == {"queued": 2, "running": 0, "done": 1, "failed": 0}


async def test_a_released_job_is_claimable_at_once_without_counting_the_attempt(
        queue: JobQueue) -> None:
    job, _ = await queue.enqueue(SHA, {})
    await queue.claim("stopping", lease_s=300)
    assert await queue.release(job.job_id, "stopping")
    again = await queue.claim("other", lease_s=300)
    assert again is not None
    assert (again.job_id, again.attempts) == (job.job_id, 1)


async def test_the_leases_of_dead_workers_end_at_once(queue: JobQueue) -> None:
    orphaned, _ = await queue.enqueue(sha(1), {})
    assert await queue.claim("dead", lease_s=30) is not None
    await queue.enqueue(sha(2), {})
    assert await queue.claim("alive", lease_s=30) is not None
    expired = await queue.expire_leases(lambda owner: owner == "dead")
    taken = await queue.claim("restarted", lease_s=30)
    assert expired == [orphaned.job_id]
    assert taken is not None
    assert (taken.job_id, taken.attempts) == (orphaned.job_id, 2)
    assert await queue.claim("restarted", lease_s=30) is None


async def test_jobs_untaken_are_those_waiting_long_while_none_runs(
        queue: JobQueue, clock: FixedClock) -> None:
    """What ``/ready`` says of workers apart: a job claimable for long, none running on a
    live lease (a busy worker makes the others wait; a dead one's job waits too)."""
    started = clock.now()
    await queue.enqueue(sha(1), {})
    clock.advance(timedelta(seconds=119))
    assert await queue.untaken(for_s=120) is None
    clock.advance(timedelta(seconds=1))
    assert await queue.untaken(for_s=120) == (1, started)
    assert await queue.claim("busy", lease_s=30) is not None
    await queue.enqueue(sha(2), {})
    clock.advance(timedelta(seconds=29))
    assert await queue.untaken(for_s=10) is None  # one runs
    clock.advance(timedelta(seconds=121))  # its worker died 2 min ago: both wait
    assert await queue.untaken(for_s=120) == (2, started + timedelta(seconds=120))
