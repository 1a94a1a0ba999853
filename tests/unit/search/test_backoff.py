"""Pauses between the feed consumer's retries (``services.common.tasks.Backoff``)."""

from __future__ import annotations

import asyncio
import contextlib

from services.common.tasks import Backoff


def test_pauses_double_up_to_the_maximum_less_some_jitter() -> None:
    backoff = Backoff(initial_s=1.0, max_s=4.0)
    pauses = [backoff.next_pause_s() for _ in range(5)]
    for pause, ceiling in zip(pauses, [1.0, 2.0, 4.0, 4.0, 4.0], strict=True):
        assert 0.75 * ceiling <= pause <= ceiling


def test_reset_starts_again_from_the_first_pause() -> None:
    backoff = Backoff(initial_s=1.0, max_s=30.0)
    for _ in range(4):
        backoff.next_pause_s()
    backoff.reset()
    assert backoff.next_pause_s() <= 1.0


async def test_a_loop_whose_failed_try_swallowed_its_cancellation_stops_at_its_next_pause(
        ) -> None:
    """Ctrl-C while ``archive serve`` waited for an unreachable PostgreSQL: asyncio.run
    cancels the task, but the connect failing at that moment raised its own error (Python
    3.11's wait_for), so the cancellation was lost and the server waited on for good."""
    backoff = Backoff(initial_s=0.01, max_s=0.01)
    tries = 0

    async def waits_for_the_database() -> None:
        nonlocal tries
        while True:
            tries += 1
            # A connect attempt, ended as its own failure would be: the cancel unseen.
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(0.01)
            await asyncio.sleep(backoff.next_pause_s())

    task = asyncio.create_task(waits_for_the_database())
    while tries < 2:
        await asyncio.sleep(0.005)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=5)
    assert task in done
    assert task.cancelled()
