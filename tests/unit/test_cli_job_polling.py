"""``archive ingest --wait`` follows a batch's jobs with a few requests a round, not one per
file, and still reports every job, failed ones included."""

from datetime import UTC, datetime

from services.cli.ingest import POLL_WINDOW, finished_jobs
from services.common.contracts.ingest import JobStatus, JobView

QUEUED_AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _job(job_id: str, status: JobStatus) -> JobView:
    return JobView(job_id=job_id, status=status, sha256="0" * 64, attempts=1,
                   created_at=QUEUED_AT, updated_at=QUEUED_AT)


class Jobs:
    """Jobs that finish in queue order, ``per_round`` more each time the follower starts a
    new round (asks about a job no later in the queue than the one it asked before)."""

    def __init__(self, count: int, *, per_round: int, failing: str | None = None) -> None:
        self.ids = [f"job-{n:03d}" for n in range(count)]
        self.per_round = per_round
        self.failing = failing
        self.finished = 0
        self.asked: list[list[str]] = []

    def get(self, job_id: str) -> JobView:
        position = self.ids.index(job_id)
        if not self.asked or position <= self.ids.index(self.asked[-1][-1]):
            if self.asked:
                self.finished += self.per_round
            self.asked.append([])
        self.asked[-1].append(job_id)
        if position >= self.finished:
            return _job(job_id, "running")
        return _job(job_id, "failed" if job_id == self.failing else "done")


def _follow(jobs: Jobs) -> list[JobView]:
    return list(finished_jobs(jobs.get, jobs.ids, poll_s=0))


def test_every_job_is_reported_once_in_queue_order() -> None:
    jobs = Jobs(50, per_round=3, failing="job-007")
    reported = _follow(jobs)
    assert [job.job_id for job in reported] == jobs.ids
    assert [job.job_id for job in reported if job.status == "failed"] == ["job-007"]


def test_a_round_asks_about_at_most_the_window_of_unfinished_jobs() -> None:
    jobs = Jobs(500, per_round=3)
    _follow(jobs)
    assert max(len(asked) for asked in jobs.asked) <= POLL_WINDOW + jobs.per_round
    assert sum(len(asked) for asked in jobs.asked) < 500 + len(jobs.asked) * POLL_WINDOW


def test_jobs_that_finish_faster_than_the_polls_are_all_collected_in_one_round() -> None:
    jobs = Jobs(100, per_round=100)
    _follow(jobs)
    assert len(jobs.asked) == 2
