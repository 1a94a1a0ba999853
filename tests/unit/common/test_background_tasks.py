"""The one rule for every background task: a crash is logged and the task is started
again after a pause; a task that returns is done."""

from __future__ import annotations

import asyncio
import logging

import pytest

from services.common.tasks import CRASH_PAUSE_INITIAL_S, BackgroundTask
from tests.support.waiting import eventually_async


async def test_a_task_that_crashes_is_started_again_after_a_pause(
        caplog: pytest.LogCaptureFixture) -> None:
    runs: list[float] = []

    async def crashes_once() -> None:
        runs.append(asyncio.get_running_loop().time())
        if len(runs) == 1:
            raise RuntimeError("a bug")
        await asyncio.Event().wait()

    task = BackgroundTask("crashes-once", crashes_once)
    with caplog.at_level(logging.ERROR, logger="archive.tasks"):
        task.start()
        try:
            async def restarted() -> bool:
                return len(runs) == 2

            await eventually_async(restarted, timeout_s=5, what="the task was not restarted")
            assert task.running
        finally:
            await task.stop()
    assert runs[1] - runs[0] >= CRASH_PAUSE_INITIAL_S * 0.75
    [record] = caplog.records
    assert record.getMessage().startswith("crashes-once crashed; starting it again in ")
    assert record.exc_info is not None


async def test_a_task_that_returns_is_done_and_not_started_again() -> None:
    runs: list[int] = []

    async def once() -> None:
        runs.append(1)

    task = BackgroundTask("once", once)
    task.start()
    await task.wait()
    await asyncio.sleep(CRASH_PAUSE_INITIAL_S)
    assert runs == [1]
    assert not task.running
