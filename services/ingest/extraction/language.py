"""Which Tesseract model reads a page: chosen per document without being told."""

from __future__ import annotations

import msgspec

from services.common.errors import PermanentJobError
from services.ingest.extraction.cjk import count_cjk_letters, is_mostly_english
from services.ingest.extraction.engine import OcrEngine, PageImage
from services.ingest.extraction.models import OcrLanguage, OcrReading

CHINESE_MODELS: tuple[OcrLanguage, ...] = ("chi_sim", "chi_tra")
# Fewer Chinese characters than this (a blank page, a signature) cannot tell the variants apart.
_MIN_CJK_TO_CHOOSE = 10


class LanguageChooser:
    """Reads a document's OCR pages with its Chinese model, chosen on its first Chinese page,
    among the ``languages`` it may use (``ARCHIVE_OCR_LANGUAGES``).

    - With a ``hint``, every page is read with that model only; nothing is chosen.
    - Until chosen, a page is read with ``chi_sim``; if that finds Chinese, it is read again
      with ``chi_tra`` and the model with the higher mean word confidence becomes the
      document's. The winning reading is kept, so that page is not read a third time.
      With one Chinese model allowed, that one is the document's; with none, ``eng`` reads.
    - A page that reads as mostly English is read again with ``eng`` (if allowed), and that
      reading kept. ``eng`` is never combined with a Chinese model (``chi_sim+eng``
      measured 2× slower with 4× the errors on Chinese pages) and the two Chinese models
      are never mixed on a page.
    """

    def __init__(
        self, engine: OcrEngine, *, hint: OcrLanguage | None, timeout_s: float,
        languages: tuple[OcrLanguage, ...] = (*CHINESE_MODELS, "eng"),
    ) -> None:
        self._engine = engine
        self._hint = hint
        self._timeout_s = timeout_s
        self._candidates = tuple(model for model in CHINESE_MODELS if model in languages)
        self._english = "eng" in languages
        self.chinese: OcrLanguage | None = (
            self._candidates[0] if len(self._candidates) == 1 else None)
        """The document's Chinese model once chosen (at once, if only one is allowed)."""

    def read(self, page: PageImage) -> tuple[OcrLanguage, OcrReading]:
        """The model used and its reading of ``page``. Raises the engine's errors, and
        ``PermanentJobError(ocr_bad_output)`` for a reading that is not a valid ``OcrReading``."""
        if self._hint is not None:
            return self._hint, self._read(page, self._hint)
        if not self._candidates:
            return "eng", self._read(page, "eng")
        language = self.chinese or self._candidates[0]
        reading = self._read(page, language)
        if self.chinese is None and count_cjk_letters(reading.text) >= _MIN_CJK_TO_CHOOSE:
            language, reading = self._choose_variant(page, language, reading)
        if self._english and is_mostly_english(reading.text):
            return "eng", self._read(page, "eng")
        return language, reading

    def _choose_variant(
        self, page: PageImage, first: OcrLanguage, first_reading: OcrReading
    ) -> tuple[OcrLanguage, OcrReading]:
        best = (first, first_reading)
        for language in self._candidates:
            if language == first:
                continue
            reading = self._read(page, language)
            if mean_confidence(reading) > mean_confidence(best[1]):
                best = (language, reading)
        self.chinese = best[0]
        return best

    def _read(self, page: PageImage, language: OcrLanguage) -> OcrReading:
        reading = self._engine.read(page, language=language, timeout_s=self._timeout_s)
        return _validated(reading)


def mean_confidence(reading: OcrReading) -> float:
    """The mean confidence of the words in ``reading``, 0 when it has none."""
    if not reading.words:
        return 0.0
    return sum(word.confidence for word in reading.words) / len(reading.words)


def _validated(reading: object) -> OcrReading:
    # A round trip through JSON checks the types and ranges (msgspec validates on decode
    # only) and that the text can be stored at all (no lone surrogates from bad UTF-8).
    try:
        return msgspec.json.decode(msgspec.json.encode(reading), type=OcrReading)
    except (msgspec.ValidationError, msgspec.EncodeError, msgspec.DecodeError, TypeError,
            UnicodeEncodeError) as exc:
        raise PermanentJobError(
            f"the OCR engine returned output that is not a valid reading ({exc})",
            code="ocr_bad_output",
        ) from exc
