"""A service's long-running work as named asyncio tasks, and the pause between retries.

Every loop a service runs beside its requests (feed followers, periodic checks, a
reindex, a fixity run, a destruction being carried out) is a ``BackgroundTask``: started
at start-up or on request, cancelled at shut-down.

A task handles the failures it expects (a database or peer away: ``follow``,
``PeriodicTask``, its own ``Backoff``). Whatever else escapes it is a crash, and the one
rule for every task is: the crash is logged with its traceback, and the task is started
again after a pause (``CRASH_PAUSE_INITIAL_S``, doubling up to ``CRASH_PAUSE_MAX_S``, with
jitter), for as long as the process runs. Not exiting the process: one process may host
every service (``archive serve``), which a crash in one loop would take down, and no
service manager is assumed; a task that keeps crashing says so in the log at every
restart, and ``running`` stays true meanwhile (the task is coming back). A task therefore
SHALL be safe to run again from the start (its work keyed, as every step here is).

- ``BackgroundTask(name, run)``: one task; ``start`` does nothing while it runs.
- ``PeriodicTask(name, interval_s, step)``: ``step`` every ``interval_s``.
- ``BackgroundTasks(name)``: at most one task per key (a register, a fixity run).
- ``Backoff``: the pauses of a loop that retries what failed, doubling, with jitter.
- ``follow(step, ...)``: the loop of a feed follower: apply, pause when drained, back off
  on ``ArchiveError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, NoReturn

from services.common.errors import ArchiveError, DependencyUnavailable

log = logging.getLogger("archive.tasks")

Run = Callable[[], Coroutine[Any, Any, None]]


CRASH_PAUSE_INITIAL_S = 1.0
CRASH_PAUSE_MAX_S = 60.0


class BackgroundTask:
    """``run`` as a task of the current loop; started again after a pause if it crashes
    (module docstring), done once it returns."""

    def __init__(self, name: str, run: Run) -> None:
        self.name = name
        self._run = run
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._task = asyncio.create_task(self._restarting(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait(self) -> None:
        """Until the task has ended (tests, an orderly shut-down)."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _restarting(self) -> None:
        backoff = Backoff(initial_s=CRASH_PAUSE_INITIAL_S, max_s=CRASH_PAUSE_MAX_S)
        while True:
            started = time.monotonic()
            try:
                await self._run()
                return
            except Exception:
                if time.monotonic() - started > CRASH_PAUSE_MAX_S:
                    backoff.reset()  # it had run a good while: a new crash, not a loop
                pause = backoff.next_pause_s()
                log.exception("%s crashed; starting it again in %.1f s", self.name, pause)
            await asyncio.sleep(pause)


class PeriodicTask(BackgroundTask):
    """A task that runs ``step`` every ``interval_s``, the first time one interval after
    ``start``. A step that fails is logged and the next one runs on time: the task
    outlives a database or peer that is away, and steps are written to be retried."""

    def __init__(self, name: str, interval_s: float, step: Callable[[], Awaitable[object]]
                 ) -> None:
        super().__init__(name, self._every)
        self.interval_s = interval_s
        self.step = step

    async def step_now(self) -> None:
        """One step now, besides the schedule (at start-up: what fell due while the
        service was down is done before it answers); a failure is logged, not raised."""
        try:
            await self.step()
        except ArchiveError as exc:
            log.warning("%s: %s (%s); trying again in %.0f s", self.name, exc.detail,
                        exc.code, self.interval_s)
        except Exception:
            log.exception("%s failed; trying again in %.0f s", self.name, self.interval_s)

    async def _every(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self.step_now()


class BackgroundTasks:
    """Tasks of one kind, at most one per key, e.g. one per register being destroyed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: dict[str, BackgroundTask] = {}

    def launch(self, key: str, run: Run) -> bool:
        """Start ``run`` for ``key``; False (nothing started) while ``key``'s still runs."""
        self._tasks = {k: task for k, task in self._tasks.items() if task.running}
        if key in self._tasks:
            return False
        task = self._tasks[key] = BackgroundTask(f"{self.name}-{key}", run)
        task.start()
        return True

    async def wait(self) -> None:
        for task in list(self._tasks.values()):
            await task.wait()

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, {}
        for task in tasks.values():
            await task.stop()


def retry_pause_s(failures: int, *, initial_s: float, max_s: float) -> float:
    """The pause after ``failures`` failures in a row: ``initial_s`` after the first,
    doubling up to ``max_s``, less up to a quarter at random, so that processes (or jobs)
    that lost a peer together do not all come back in step."""
    longest = min(max_s, initial_s * 2.0 ** max(0, failures - 1))
    return longest * random.uniform(0.75, 1.0)  # noqa: S311 - not for security


def _stop_if_cancelled() -> None:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop: a synchronous loop's pause
        return
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class Backoff:
    """Pauses between a loop's retries (``retry_pause_s``), counting its failures."""

    def __init__(self, *, initial_s: float = 0.5, max_s: float = 30.0) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self.failures = 0

    def next_pause_s(self) -> float:
        """The pause before the next try; each call counts one more failure. In a task
        being cancelled, raises ``CancelledError`` instead of pausing: the failed try may
        have swallowed the cancellation (Python 3.11's ``asyncio.wait_for``, which
        asyncpg's connect runs in, can raise the try's own error when both come at once),
        and the loop would wait on, deaf to the Ctrl-C ``asyncio.run`` made it."""
        _stop_if_cancelled()
        self.failures += 1
        return retry_pause_s(self.failures, initial_s=self.initial_s, max_s=self.max_s)

    def reset(self) -> None:
        self.failures = 0


START_WAIT_INITIAL_S = 1.0
START_WAIT_MAX_S = 30.0
"""The pauses between tries while a server or worker waits at start for a part it needs."""


async def waited_at_start(attempt: Callable[[], Awaitable[None]], *, away: str,
                          waiting: str, answered: str, logger: logging.Logger) -> None:
    """``attempt`` until it succeeds, while it fails with ``DependencyUnavailable`` of code
    ``away`` (a part not up yet after a reboot, or restarting): said once in ``logger``
    (its detail, then ``waiting``), tried again with ``Backoff``, and ``answered`` logged
    once it does; cancelling (Ctrl-C) ends the wait. Any other failure (a refusal, which
    waiting would not change) stops the start at once."""
    backoff = Backoff(initial_s=START_WAIT_INITIAL_S, max_s=START_WAIT_MAX_S)
    while True:
        try:
            await attempt()
        except DependencyUnavailable as exc:
            if exc.code != away:
                raise
            if not backoff.failures:
                logger.warning("%s; %s (trying again with backoff, up to every %g s; Ctrl-C "
                               "stops)", exc.detail, waiting, START_WAIT_MAX_S)
            await asyncio.sleep(backoff.next_pause_s())
            continue
        if backoff.failures:
            logger.info("%s", answered)
        return


QUIET_FAILURES = 3
"""Failures in a row a follower logs at debug level only: in one process, the peers answer
once the server listens, a moment after the followers start (every ``archive serve``
began by saying that two followers had stalled)."""


async def follow(step: Callable[[], Awaitable[bool]], *, name: str, poll_s: float,
                 backoff: Backoff, stalled: Callable[[str | None], None] | None = None
                 ) -> NoReturn:
    """Call ``step`` until cancelled: again at once while it says there is more (it
    returns whether it drained its source), after ``poll_s`` once drained, and after
    ``backoff``'s pause when it raises ``ArchiveError`` (a peer, store or database away;
    the step retries what it had not finished). ``stalled`` is told why it is waiting to
    retry, and None once a step succeeds."""
    while True:
        try:
            drained = await step()
        except ArchiveError as exc:
            pause = backoff.next_pause_s()
            reason = exc.explained
            level = logging.DEBUG if backoff.failures <= QUIET_FAILURES else logging.WARNING
            log.log(level, "%s stalled: %s; retrying in %.1f s", name, reason, pause)
            if stalled is not None:
                stalled(reason)
        else:
            backoff.reset()
            if stalled is not None:
                stalled(None)
            pause = poll_s if drained else 0.0
        if pause:
            await asyncio.sleep(pause)
