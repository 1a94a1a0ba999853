"""What a page turned on the document page reads of a stored text (``DerivedText``) on a
real directory store that counts the bytes it hands out: the index and that page, not
every page's boxes; a text stored before indexes still opens, and is indexed then; an
index of another text is never used."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from services.ingest.derived import PAGES_CONTENT_TYPE, DerivedText
from services.ingest.extraction import PageText, WordBox
from services.ingest.models import TextVersion, pages_index_key, pages_key
from tests.support.counting_store import CountingStore

SHA = "cd" * 32
LINE = "物业服务企业应当按照合同约定提供物业服务"


def contract(pages: int = 300, *, word: str = LINE) -> list[PageText]:
    """A text layer's pages as ingest stores them: a box per character (60 kB a page)."""
    return [PageText(number=number, text=f"第{number}页" + word * 30, confidence=100.0,
                     method="text_layer", language=None, needs_review=False,
                     words=tuple(WordBox(text=char, confidence=100.0, left=10 * index,
                                         top=40, width=10, height=12)
                                 for index, char in enumerate(word * 30)))
            for number in range(1, pages + 1)]


def written(path: Path, pages: list[PageText]) -> Path:
    path.write_bytes(b"".join(msgspec.json.encode(page) + b"\n" for page in pages))
    return path


@pytest.fixture
def store(tmp_path: Path) -> CountingStore:
    return CountingStore(tmp_path / "objects")


async def turned(derived: DerivedText, number: int) -> tuple[int, list[tuple[int, str]],
                                                             PageText | None]:
    """Page ``number`` turned to: the bytes it read, every page's number and text, and the
    page whole."""
    store = derived.store
    assert isinstance(store, CountingStore)
    before = store.read_bytes
    outlines, shown = await derived.outlines_and_page(SHA, number)
    return store.read_bytes - before, [(page.number, page.text) for page in outlines], shown


async def test_a_page_turned_reads_the_texts_and_that_page_not_every_page_s_boxes(
        store: CountingStore, tmp_path: Path) -> None:
    pages = contract()
    stored = written(tmp_path / "contract.jsonl", pages)
    derived = DerivedText(store)
    await derived.save(SHA, stored)
    whole = stored.stat().st_size
    for number in (1, 150, 300):
        read, texts, shown = await turned(derived, number)
        assert texts == [(page.number, page.text) for page in pages]
        assert shown == pages[number - 1]
        assert read < whole / 20  # measured: 0.6 MB of 18 (bench/page_turn.py)
    before = store.read_bytes
    assert await derived.page(SHA, 299) == pages[298]
    assert store.read_bytes - before < whole / 20
    assert (await turned(derived, 301))[2] is None
    assert await derived.page(SHA, 301) is None


async def test_a_text_stored_before_indexes_opens_and_is_indexed_at_its_first_turn(
        store: CountingStore, tmp_path: Path) -> None:
    pages = contract(40)
    stored = written(tmp_path / "old.jsonl", pages)
    # As DerivedText.save stored a text before indexes: the file alone.
    await store.put_file(pages_key(SHA), stored, content_type=PAGES_CONTENT_TYPE)
    derived = DerivedText(store)
    assert await derived.page(SHA, 7) == pages[6]
    first, texts, shown = await turned(derived, 12)
    assert (texts, shown) == ([(page.number, page.text) for page in pages], pages[11])
    assert first >= stored.stat().st_size
    assert await store.head(pages_index_key(SHA)) is not None
    second, texts, shown = await turned(derived, 30)
    assert (texts, shown) == ([(page.number, page.text) for page in pages], pages[29])
    assert second < first / 10


async def test_an_index_of_another_text_is_not_used(store: CountingStore, tmp_path: Path
                                                    ) -> None:
    derived = DerivedText(store)
    await derived.save(SHA, written(tmp_path / "v1.jsonl", contract(20)))
    # The text replaced and its index not (a crash between the two writes, or a copy put
    # back by hand): pages of other lengths at other places.
    now = contract(25, word="业主大会决定")
    await store.put_file(pages_key(SHA), written(tmp_path / "v2.jsonl", now),
                         content_type=PAGES_CONTENT_TYPE)
    _, texts, shown = await turned(derived, 5)
    assert (texts, shown) == ([(page.number, page.text) for page in now], now[4])
    assert await derived.page(SHA, 25) == now[24]
    after, _, shown = await turned(derived, 21)  # indexed again at the turn before
    assert shown == now[20]
    assert after < (tmp_path / "v2.jsonl").stat().st_size / 10


async def test_a_revised_text_is_read_by_its_own_index(store: CountingStore, tmp_path: Path
                                                        ) -> None:
    derived = DerivedText(store)
    await derived.save(SHA, written(tmp_path / "v1.jsonl", contract(30)))
    await turned(derived, 3)
    revised = contract(30, word="按原件校对后的文字")
    await derived.revise(SHA, written(tmp_path / "v2.jsonl", revised),
                         TextVersion(version=1, engine=None, reason="corrected in review",
                                     recorded_by="wang"))
    read, texts, shown = await turned(derived, 3)
    assert (texts, shown) == ([(page.number, page.text) for page in revised], revised[2])
    assert read < (tmp_path / "v2.jsonl").stat().st_size / 10
