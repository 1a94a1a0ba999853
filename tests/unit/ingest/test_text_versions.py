"""Versions of a document's page texts (``DerivedText``) on a real directory store: a
revision keeps the text it replaces, a retried one loses nothing, and deletion (R6)
removes every version."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from services.common.errors import NotFound
from services.common.objectstore.directory import DirectoryObjectStore
from services.ingest.derived import DerivedText
from services.ingest.extraction import PageText, WordBox
from services.ingest.models import TextVersion, older_pages_key, pages_index_key, pages_key

SHA = "ab" * 32
AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def page_file(path: Path, text: str, engine: str) -> Path:
    page = PageText(number=1, text=text, confidence=90.0, method="ocr", language="chi_sim",
                    words=(), needs_review=False, engine=engine)  # type: ignore[arg-type]
    path.write_bytes(msgspec.json.encode(page) + b"\n")
    return path


def reread(by: str = "li") -> TextVersion:
    return TextVersion(version=1, engine="ppocr", reason="re-read by archive reocr",
                       recorded_by=by, recorded_at=AT)


@pytest.fixture
def derived(tmp_path: Path) -> DerivedText:
    return DerivedText(DirectoryObjectStore(tmp_path / "objects"))


async def texts(derived: DerivedText) -> list[str]:
    return [page.text async for page in derived.pages(SHA)]


async def test_revision_becomes_current_and_keeps_the_text_it_replaces(
    derived: DerivedText, tmp_path: Path
) -> None:
    await derived.save(SHA, page_file(tmp_path / "v1.jsonl", "役诉内窜", "tesseract"))
    version = await derived.revise(SHA, page_file(tmp_path / "v2.jsonl", "投诉内容", "ppocr"),
                                   reread())
    assert version.version == 2
    assert await texts(derived) == ["投诉内容"]
    kept = await derived.store.read(older_pages_key(SHA, 1))
    assert msgspec.json.decode(kept, type=PageText).text == "役诉内窜"
    history = await derived.versions(SHA)
    assert [(v.version, v.engine, v.recorded_by) for v in history] == [
        (1, "tesseract", None), (2, "ppocr", "li")]
    assert history[0].announced
    assert not history[1].announced


async def test_announcing_a_version_is_recorded(derived: DerivedText, tmp_path: Path) -> None:
    await derived.save(SHA, page_file(tmp_path / "v1.jsonl", "一", "tesseract"))
    await derived.revise(SHA, page_file(tmp_path / "v2.jsonl", "二", "ppocr"), reread())
    await derived.mark_announced(SHA, 2)
    assert all(version.announced for version in await derived.versions(SHA))


async def test_a_revision_retried_after_a_crash_never_overwrites_the_kept_text(
    derived: DerivedText, tmp_path: Path
) -> None:
    await derived.save(SHA, page_file(tmp_path / "v1.jsonl", "原文", "tesseract"))
    # A crash after the old text was kept and the new one stored, before the history:
    await derived.store.put_bytes(older_pages_key(SHA, 1),
                                  await derived.store.read(pages_key(SHA)))
    await derived.save(SHA, page_file(tmp_path / "v2.jsonl", "新读", "ppocr"))
    await derived.revise(SHA, page_file(tmp_path / "v2.jsonl", "新读", "ppocr"), reread())
    kept = await derived.store.read(older_pages_key(SHA, 1))
    assert msgspec.json.decode(kept, type=PageText).text == "原文"
    assert (await derived.versions(SHA))[0].engine == "tesseract"


async def test_a_third_version_keeps_both_older_ones(derived: DerivedText,
                                                     tmp_path: Path) -> None:
    await derived.save(SHA, page_file(tmp_path / "v1.jsonl", "一", "tesseract"))
    await derived.revise(SHA, page_file(tmp_path / "v2.jsonl", "二", "ppocr"), reread())
    third = TextVersion(version=1, engine=None, reason="corrected in review",
                        recorded_by="wang", recorded_at=AT)
    assert (await derived.revise(SHA, page_file(tmp_path / "v3.jsonl", "三", "ppocr"),
                                 third)).version == 3
    assert sorted(await derived.keys(SHA)) == sorted([
        pages_key(SHA), pages_index_key(SHA), older_pages_key(SHA, 1),
        older_pages_key(SHA, 2), f"derived/{SHA}/text-versions.jsonl"])


async def test_deleting_removes_every_version_and_the_history(
    derived: DerivedText, tmp_path: Path
) -> None:
    await derived.save(SHA, page_file(tmp_path / "v1.jsonl", "一", "tesseract"))
    await derived.revise(SHA, page_file(tmp_path / "v2.jsonl", "二", "ppocr"), reread())
    await derived.delete(SHA)
    assert await derived.keys(SHA) == []
    assert await derived.versions(SHA) == []


async def test_revising_a_document_without_text_is_refused(derived: DerivedText,
                                                           tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        await derived.revise(SHA, page_file(tmp_path / "v2.jsonl", "二", "ppocr"), reread())


def test_a_page_a_person_wrote_is_known_also_when_corrected_before_it_was_recorded() -> None:
    read = PageText(number=1, text="役诉", confidence=88.0, method="ocr", language="chi_sim",
                    words=(), needs_review=True, engine="tesseract")
    corrected = msgspec.structs.replace(read, text="投诉", confidence=100.0,
                                        needs_review=False, corrected_by="li", corrected_at=AT)
    # What a correction left before ``corrected_by``: full confidence from no words.
    earlier = msgspec.structs.replace(corrected, corrected_by=None, corrected_at=None)
    layer = msgspec.structs.replace(read, confidence=100.0, method="text_layer",
                                    language=None, engine=None)
    assert [page.written_by_a_person for page in (read, corrected, earlier, layer)] == [
        False, True, True, False]


async def test_a_long_text_layer_is_read_for_its_texts_and_one_page_whole(
    derived: DerivedText, tmp_path: Path
) -> None:
    """The staff pages read every page's text and one page's boxes at every page turned:
    a contract of 300 pages keeps a box per character (18 MB), all decoded for one page's
    boxes took 0.12-0.2 s of CPU; the outlines and one page whole are read apart (0.02-0.03
    s, measured, not timed here)."""
    line = "物业服务企业应当按照合同约定提供物业服务"
    pages = [PageText(number=number, text=line * 30, confidence=100.0, method="text_layer",
                      language=None, needs_review=False,
                      words=tuple(WordBox(text=char, confidence=100.0, left=10 * index,
                                          top=40, width=10, height=12)
                                  for index, char in enumerate(line * 30)))
             for number in range(1, 301)]
    stored = tmp_path / "contract.jsonl"
    stored.write_bytes(b"".join(msgspec.json.encode(page) + b"\n" for page in pages))
    await derived.save(SHA, stored)
    outlines, shown = await derived.outlines_and_page(SHA, 87)
    assert [(page.number, page.text, page.confidence) for page in outlines] == [
        (page.number, page.text, page.confidence) for page in pages]
    assert shown == pages[86]
    assert (await derived.outlines_and_page(SHA, 301))[1] is None
    assert await derived.page(SHA, 300) == pages[299]
