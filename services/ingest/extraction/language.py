"""Which Tesseract model reads a page: chosen per document without being told."""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher

import msgspec

from services.common.errors import PermanentJobError
from services.common.text import fold_mapped
from services.ingest.extraction.cjk import (
    ScriptEvidence,
    count_cjk_letters,
    is_mostly_english,
    script_evidence,
    script_only,
)
from services.ingest.extraction.engine import OcrEngine, PageImage
from services.ingest.extraction.models import OcrLanguage, OcrReading

CHINESE_MODELS: tuple[OcrLanguage, ...] = ("chi_sim", "chi_tra")
# A page with fewer Chinese characters than this (a signature) chooses for itself only.
_MIN_CJK_TO_CHOOSE = 10
# A missed one-script character weighs as much as 2 points of mean word confidence, and
# chi_tra must come out at least a point ahead. Fitted on 288 generated scans (both scripts;
# PNG, JPEG, TIFF, PDF; 200/300 dpi; long, short and sparse pages): 3 wrong, all pages of a
# few lines (missed characters alone, confidence breaking ties: 4; the higher confidence
# alone, as before: 6); then checked on the 120 first pages of bench/findability.py's
# cabinet, another seed: 0 wrong (those two: 1 and 1).
_CONFIDENCE_PER_MISSED_CHARACTER = 2.0
_TRADITIONAL_MARGIN = 1.0

class LanguageChooser:
    """Reads a document's OCR pages with its Chinese model, chosen on its first Chinese page,
    among the ``languages`` it may use (``ARCHIVE_OCR_LANGUAGES``).

    - With a ``hint``, every page is read with that model only; nothing is chosen.
    - Once chosen, every page is read once, with the document's model. With one Chinese
      model allowed, that one is the document's; with none, ``eng`` reads.
    - Until chosen, a page is read with ``chi_sim``. The script is read from the text, but
      not from one reading's characters: each of Tesseract's Chinese models writes its own
      script whatever the page shows (``chi_sim`` reads 業 as 业, ``chi_tra`` reads 点 as
      點; their character sets hold 1 and 26 characters of the other script), so a
      reading's one-script characters (``cjk.script_only``) tell which model read, not
      what is on the page. What tells the page apart is where each model fails:
        1. A first reading without one character that only Simplified uses has nothing to
           tell apart (numbers, a stamp): it is kept and the choice waits for a later page
           (one reading).
        2. Otherwise the page is read with ``chi_tra`` as well, and the readings, folded
           (``维修`` = ``維修``), compared. Where they disagree, one model failed to write
           the page's character in its own script: on a Traditional page ``chi_sim`` reads
           some of the 業, 麗, 說 as something else while ``chi_tra`` reads them, and the
           reverse on a Simplified page (``missed_script_characters``). Each character
           one model missed counts for the other script; so does its mean word confidence,
           a missed character weighing as much as ``_CONFIDENCE_PER_MISSED_CHARACTER``
           points. The page is Traditional when that puts ``chi_tra`` ahead by more than
           ``_TRADITIONAL_MARGIN``. Missed characters decide long pages; on a notice of a
           few lines, where none may be missed, confidence is all that is left, and a
           close call keeps the default.
      The chosen model's reading of that page is kept, so no page is read a third time.
      A page with fewer than 10 Chinese characters (a cover slip, a signature) is read
      with the script it shows, but does not choose for the pages after it.
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
        language = self.chinese or "chi_sim"
        reading = self._read(page, language)
        if self.chinese is None and script_evidence(reading.text).simplified > 0:
            language, reading = self._script_of(page, reading)
            if count_cjk_letters(reading.text) >= _MIN_CJK_TO_CHOOSE:
                self.chinese = language
        if self._english and is_mostly_english(reading.text):
            return "eng", self._read(page, "eng")
        return language, reading

    def _script_of(self, page: PageImage, simplified: OcrReading
                   ) -> tuple[OcrLanguage, OcrReading]:
        """Read ``page`` with chi_tra too; the model of the page's script (class docstring,
        step 2) and its reading."""
        traditional = self._read(page, "chi_tra")
        missed = missed_script_characters(simplified.text, traditional.text)
        lead = (_CONFIDENCE_PER_MISSED_CHARACTER * (missed.traditional - missed.simplified)
                + traditional.mean_confidence - simplified.mean_confidence)
        is_traditional = lead > _TRADITIONAL_MARGIN
        return ("chi_tra", traditional) if is_traditional else ("chi_sim", simplified)

    def _read(self, page: PageImage, language: OcrLanguage) -> OcrReading:
        reading = self._engine.read(page, language=language, timeout_s=self._timeout_s)
        return _validated(reading)


def missed_script_characters(simplified_reading: str, traditional_reading: str
                             ) -> ScriptEvidence:
    """Where chi_sim's and chi_tra's readings of one page disagree once folded, how many
    Simplified-only characters chi_tra missed (``simplified``: chi_sim read them, chi_tra
    read something else) and how many Traditional-only characters chi_sim missed
    (``traditional``). Whitespace is ignored."""
    simplified_only, traditional_only = script_only()
    first, second = "".join(simplified_reading.split()), "".join(traditional_reading.split())
    folded_first, folded_second = fold_mapped(first), fold_mapped(second)
    missed_simplified = missed_traditional = 0
    matcher = SequenceMatcher(None, folded_first.text, folded_second.text, autojunk=False)
    for tag, start1, end1, start2, end2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        ours = _source(first, folded_first.source_span, start1, end1)
        theirs = _source(second, folded_second.source_span, start2, end2)
        lead = (sum(char in traditional_only for char in theirs)
                - sum(char in simplified_only for char in ours))
        missed_traditional += max(lead, 0)
        missed_simplified += max(-lead, 0)
    return ScriptEvidence(simplified=missed_simplified, traditional=missed_traditional)


def _source(text: str, source_span: Callable[[int, int], tuple[int, int]], start: int,
            end: int) -> str:
    return text[slice(*source_span(start, end))] if end > start else ""


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
