"""What a job run again learns from the page texts an earlier attempt stored
(``DerivedText.extracted``), on a real directory store: the stored reading unless the
upload asks Tesseract for another model, and nothing when no text is stored."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from services.common.objectstore.directory import DirectoryObjectStore
from services.ingest.derived import DerivedText
from services.ingest.extraction import OcrEngineName, OcrLanguage, PageText

SHA = "cd" * 32


def pages_file(path: Path, *, engine: OcrEngineName, language: OcrLanguage) -> Path:
    scanned = PageText(number=1, text="维修", confidence=80.0, method="ocr",
                       language=language, words=(), needs_review=True, engine=engine)
    typed = PageText(number=2, text="报修单", confidence=100.0, method="text_layer",
                     language=None, words=(), needs_review=False)
    path.write_bytes(b"".join(msgspec.json.encode(page) + b"\n" for page in (scanned, typed)))
    return path


@pytest.fixture
def derived(tmp_path: Path) -> DerivedText:
    return DerivedText(DirectoryObjectStore(tmp_path / "objects"))


@pytest.mark.parametrize("asked", [None, "chi_sim"])
async def test_stored_pages_are_the_extraction_when_read_as_the_upload_asks(
        derived: DerivedText, tmp_path: Path, asked: OcrLanguage | None) -> None:
    await derived.save(SHA, pages_file(tmp_path / "pages.jsonl", engine="tesseract",
                                       language="chi_sim"))
    stored = await derived.extracted(SHA, language=asked)
    assert stored is not None
    assert (stored.pages, stored.ocr_pages, stored.language) == (2, 1, "chi_sim")
    assert (stored.summary.method, stored.summary.pages_needing_review) == ("mixed", [1])


async def test_pages_tesseract_read_with_another_model_are_read_again(
        derived: DerivedText, tmp_path: Path) -> None:
    await derived.save(SHA, pages_file(tmp_path / "pages.jsonl", engine="tesseract",
                                       language="chi_sim"))
    assert await derived.extracted(SHA, language="chi_tra") is None


async def test_pages_read_by_pp_ocr_serve_whatever_language_is_asked(
        derived: DerivedText, tmp_path: Path) -> None:
    # PP-OCR reads every script with one model; a language hint changes nothing.
    await derived.save(SHA, pages_file(tmp_path / "pages.jsonl", engine="ppocr",
                                       language="chi_sim"))
    stored = await derived.extracted(SHA, language="chi_tra")
    assert stored is not None
    assert stored.pages == 2


async def test_no_stored_pages_is_no_extraction(derived: DerivedText) -> None:
    assert await derived.extracted(SHA, language=None) is None
