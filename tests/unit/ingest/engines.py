"""OcrEngine implementations for tests: one that records, and ones whose readings break the
contract, to test the caller's validation. (Engines that kill or hang their process are in
``faulty_engines``.)
"""

from __future__ import annotations

from services.ingest.extraction import OcrEngine, OcrLanguage, OcrReading, PageImage, WordBox


class RecordingEngine:
    """Passes every page to ``inner`` and records the languages it was asked for."""

    def __init__(self, inner: OcrEngine) -> None:
        self.inner = inner
        self.languages: list[OcrLanguage] = []

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        self.languages.append(language)
        return self.inner.read(page, language=language, timeout_s=timeout_s)


class OverconfidentEngine:
    """Returns a word with a confidence of 250 out of 100."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        word = WordBox(text="维修", confidence=250.0, left=0, top=0, width=10, height=10)
        return OcrReading(text="维修", words=(word,))


class NegativeBoxEngine:
    """Returns a word whose box has a negative width."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        word = WordBox(text="维修", confidence=90.0, left=5, top=5, width=-3, height=10)
        return OcrReading(text="维修", words=(word,))


class BadUtf8Engine:
    """Returns text decoded with ``surrogateescape`` from bytes that are not UTF-8."""

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        return OcrReading(text=b"\xff\xfe\xe7\xbb".decode("utf-8", errors="surrogateescape"))


class ScriptedEngine:
    """Returns a fixed reading per language, whatever the page, and records the languages
    it was asked for: to test choices made from readings, without OCR."""

    def __init__(self, readings: dict[OcrLanguage, OcrReading]) -> None:
        self.readings = readings
        self.languages: list[OcrLanguage] = []

    def read(self, page: PageImage, *, language: OcrLanguage, timeout_s: float) -> OcrReading:
        self.languages.append(language)
        return self.readings[language]
