"""The words' dictionary (``services.common.words``) is loaded when the archive starts, so
the first search after a start does not wait for it (0.6 s idle, 2.4 s on a busy machine),
nor the first document page opened with Chinese search words where the staff pages are
served on their own (``DictionaryAtStart``, one step both parts start with)."""

from __future__ import annotations

import pytest

from services.common import words
from services.common.parts import PART_NAMES, PartName
from tests.fixtures.app import StartServer
from tests.support.waiting import eventually


@pytest.mark.parametrize("hosted", [PART_NAMES, ("web",)],
                         ids=["every part", "the staff pages alone"])
def test_the_words_dictionary_is_loaded_at_start_not_by_the_first_search(
        start_archive_server: StartServer, monkeypatch: pytest.MonkeyPatch,
        hosted: tuple[PartName, ...]) -> None:
    monkeypatch.setattr(words, "_segmenter", None)

    start_archive_server(hosted=hosted)

    # Nobody has searched, filed or opened a page: the start alone loads it, in a thread.
    eventually(words.dictionary_loaded, what="the words' dictionary was not loaded")
