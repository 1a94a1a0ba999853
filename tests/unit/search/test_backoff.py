"""Pauses between the feed consumer's retries (``services.common.tasks.Backoff``)."""

from __future__ import annotations

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
