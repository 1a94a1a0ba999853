"""Waiting in tests for what another process or task does in its own time (a feed
consumer catching up, a job finishing): poll a probe until it answers, or fail saying
what did not happen. Rules that depend on the date use the injected clock instead."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

TIMEOUT_S = 30.0


def eventually(probe: Callable[[], T], *, timeout_s: float = TIMEOUT_S,
               interval_s: float = 0.1, what: str = "the probe did not answer") -> T:
    """``probe()``'s first truthy answer; else ``AssertionError``: ``what`` (what did not
    happen) within ``timeout_s``, with the last answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s} s (last: {answer!r})")
        time.sleep(interval_s)


async def eventually_async(probe: Callable[[], Awaitable[T]], *,
                           timeout_s: float = TIMEOUT_S, interval_s: float = 0.05,
                           what: str = "the probe did not answer") -> T:
    """``eventually`` for a probe that is a coroutine, from inside the event loop."""
    deadline = time.monotonic() + timeout_s
    while True:
        answer = await probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s} s (last: {answer!r})")
        await asyncio.sleep(interval_s)
