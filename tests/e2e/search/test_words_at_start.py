"""The words' dictionary (``services.common.words``) is loaded when the archive starts, so
the first search after a start does not wait for it (0.6 s idle, 2.4 s on a busy machine)."""

from __future__ import annotations

import time

import pytest

from services.common import words
from tests.fixtures.app import StartServer


def test_the_words_dictionary_is_loaded_at_start_not_by_the_first_search(
        start_archive_server: StartServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(words, "_segmenter", None)

    start_archive_server()

    # Nobody has searched or filed anything: the start alone loads it, in a thread.
    waited_until = time.monotonic() + 30
    while words._segmenter is None and time.monotonic() < waited_until:
        time.sleep(0.05)
    assert words._segmenter is not None
