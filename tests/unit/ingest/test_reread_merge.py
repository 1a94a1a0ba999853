"""What a re-reading (``archive reocr``) keeps of the current text (``put_back``): the pages
a person wrote, unless asked to replace them, and a page the new reading found empty where
the current text is not (an engine reading nothing there is no better reading); the other
pages take the new reading."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec

from services.ingest.extraction import PageText
from services.ingest.reocr import put_back

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def _page(number: int, text: str, *, engine: str = "ppocr", confidence: float = 97.7,
          rotation: int = 0) -> PageText:
    return PageText(number=number, text=text, confidence=confidence, method="ocr",
                    language="chi_sim", words=(), needs_review=False,
                    engine=engine, rotation=rotation)  # type: ignore[arg-type]


def _reading(path: Path, pages: list[PageText]) -> Path:
    path.write_bytes(b"".join(msgspec.json.encode(page) + b"\n" for page in pages))
    return path


def _pages(path: Path) -> list[PageText]:
    return [msgspec.json.decode(line, type=PageText)
            for line in path.read_bytes().splitlines() if line.strip()]


def test_a_page_the_new_reading_found_empty_keeps_its_current_text(tmp_path: Path) -> None:
    current = {1: _page(1, "业主来函：窗帘褪色"), 2: _page(2, "请物业处理"),
               3: _page(3, "", confidence=0.0)}
    reading = _reading(tmp_path / "pages.jsonl", [
        _page(1, "  \n", engine="tesseract", confidence=0.0, rotation=90),
        _page(2, "请物业处埋", engine="tesseract", confidence=80.0),
        _page(3, "", engine="tesseract", confidence=0.0)])

    assert put_back(reading, current, corrected=True) == (0, 1, 1)

    first, second, third = _pages(reading)
    assert (first.text, first.engine, first.confidence, first.rotation) == (
        "业主来函：窗帘褪色", "ppocr", 97.7, 90)
    assert (second.text, second.engine) == ("请物业处埋", "tesseract")
    assert (third.text, third.engine) == ("", "tesseract")


def test_pages_a_person_wrote_are_kept_unless_asked_to_replace_them(tmp_path: Path) -> None:
    written = msgspec.structs.replace(_page(1, "投诉"), confidence=100.0, corrected_by="li",
                                      corrected_at=AT)
    new = [_page(1, "役诉", engine="tesseract")]

    kept = _reading(tmp_path / "kept.jsonl", new)
    replaced = _reading(tmp_path / "replaced.jsonl", new)

    assert put_back(kept, {1: written}, corrected=True) == (1, 0, 0)
    assert put_back(replaced, {1: written}, corrected=False) == (0, 0, 1)
    assert [page.text for page in _pages(kept)] == ["投诉"]
    assert [page.text for page in _pages(replaced)] == ["役诉"]
