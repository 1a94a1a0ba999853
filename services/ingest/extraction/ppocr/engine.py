"""``PpOcrEngine``: the ``OcrEngine`` that runs PP-OCRv6 small on onnxruntime, on the CPU."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from services.common.errors import PermanentJobError
from services.ingest.extraction.engine import PageImage, find_tessdata, page_orientation
from services.ingest.extraction.models import (
    OcrLanguage,
    OcrReading,
    Rotation,
    TextLine,
    WordBox,
)
from services.ingest.extraction.ppocr.detection import Quad, detect_lines
from services.ingest.extraction.ppocr.layout import PageLayout, cut_lines, page_layout
from services.ingest.extraction.ppocr.models import ModelFiles, find_model_files, loaded_sessions
from services.ingest.extraction.ppocr.recognition import (
    LineImage,
    Reading,
    character_spans,
    read_lines,
)
from services.ingest.extraction.ppocr.script import in_line_scripts
from services.ingest.extraction.ppocr.seals import without_seals
from services.ingest.extraction.turns import read_upright


class PpOcrEngine:
    """``OcrEngine`` running PP-OCRv6 small (text detection, line orientation, recognition)
    inside the extraction process.

    - One model reads Simplified and Traditional Chinese, Latin letters and digits alike,
      so ``language`` is ignored and nothing is chosen per document; each line is kept in
      its own script, so a page that prints both keeps both (``script``). Full-width
      punctuation is kept as read.
    - The sessions are loaded the first time a page is read and kept for the process
      (``loaded_sessions``), with one onnxruntime thread: one process runs per core.
    - Pages turned by 90°, 180° or 270° are read upright, lines are deskewed, and the text
      comes in reading order (``layout``). The lines' orientation tells a page upside down
      or turned a quarter counter-clockwise; a page in tall lines (turned a quarter
      clockwise, or columns of vertical text) or read doubtfully is decided as for every
      engine (``turns``: Tesseract's OSD, ``tessdata`` as ``TesseractEngine``'s), so the
      ``rotation`` is the one the page was read at. Red seals over the print are taken off
      before the lines are found (``seals``). Boxes (a line's, and one per
      character) are in the pixels of the page as given, whichever way it was turned.
    - ``timeout_s`` is checked before each line, so a page stops within a line's reading
      (a tenth of a second) of its limit.

    Construction finds the model files and raises ``DependencyUnavailable`` (naming the
    package that carries them) when they are missing, so a server fails at start-up.
    """

    def __init__(self, files: ModelFiles | None = None, *, tessdata: Path | None = None) -> None:
        self.files = files or find_model_files()
        self._tessdata = tessdata

    def read(self, page: PageImage, *, language: OcrLanguage | None = None,
             timeout_s: float) -> OcrReading:
        return self.read_page(page, timeout_s=timeout_s)[1]

    def read_page(self, page: PageImage, *, timeout_s: float) -> tuple[OcrLanguage, OcrReading]:
        """The page's script (``script``; ``chi_sim`` for a page without text) and its
        reading, turned upright as ``turns`` decides."""
        started = time.monotonic()

        def before_line() -> None:
            if time.monotonic() - started > timeout_s:
                raise PermanentJobError(
                    f"OCR of the page took longer than {timeout_s:g} s and was stopped; "
                    "raise ARCHIVE_PAGE_TIMEOUT_S or split the document", code="ocr_timeout")

        def orientation() -> Rotation | None:
            return page_orientation(self._tessdata or find_tessdata(), page.pixels,
                                    page.tesseract_dpi)

        return read_upright(
            page.pixels, lambda pixels: self._read_image(pixels, page.dpi, before_line),
            orientation=orientation)

    def _read_image(self, pixels: Image.Image, dpi: int,
                    before_line: Callable[[], None]) -> tuple[OcrLanguage, OcrReading]:
        sessions = loaded_sessions(self.files)
        grey = np.asarray(pixels.convert("L"))
        colour = (np.ascontiguousarray(np.asarray(pixels)[:, :, ::-1])
                  if pixels.mode == "RGB" else np.repeat(grey[:, :, None], 3, axis=2))
        quads = detect_lines(sessions.detector, colour, dpi=dpi)
        if not quads:
            return "chi_sim", OcrReading(text="")
        cleaned = without_seals(np.asarray(pixels), grey, quads) if pixels.mode == "RGB" else None
        if cleaned is not None:
            # Found again without the seals: a seal over a line cut it up or ran it on.
            grey = cleaned
            quads = detect_lines(sessions.detector, np.repeat(grey[:, :, None], 3, axis=2),
                                 dpi=dpi)
            if not quads:
                return "chi_sim", OcrReading(text="")
        layout = page_layout(sessions.line_orientation, grey, quads)

        def read_as(layout: PageLayout) -> tuple[OcrLanguage, OcrReading]:
            lines = cut_lines(grey, quads, layout)
            readings = read_lines(sessions.recogniser, sessions.characters,
                                  sessions.variants.counterparts, lines,
                                  before_line=before_line)
            readings, script = in_line_scripts(readings, sessions.variants,
                                               sessions.characters)
            return script, _page_reading(quads, lines, readings, layout, size=pixels.size)

        read = read_as(layout)
        if not layout.doubtful:
            return read
        # The lines disagreed how they stand (small or blurred print): the other way too.
        other = read_as(page_layout(sessions.line_orientation, grey, quads,
                                    turned=not layout.upside_down))
        return max(read, other, key=lambda said: said[1].mean_confidence)


def _page_reading(quads: Sequence[Quad], lines: Sequence[LineImage],
                  readings: Sequence[Reading], layout: PageLayout, *,
                  size: tuple[int, int]) -> OcrReading:
    texts: list[str] = []
    text_lines: list[TextLine] = []
    words: list[WordBox] = []
    for group in layout.order:
        parts: list[str] = []
        for index in group:
            reading = readings[index]
            text = "".join(reading.characters).strip()
            if not text:
                continue
            parts.append(text)
            left, top, right, bottom = _bounds(quads[index], size)
            text_lines.append(TextLine(
                text=text, confidence=round(reading.confidence * 100, 2),
                left=left, top=top, width=right - left, height=bottom - top))
            words.extend(_character_boxes(lines[index], reading, size))
        if parts:
            texts.append(" ".join(parts))
    return OcrReading(text="\n".join(texts), words=tuple(words), lines=tuple(text_lines),
                      rotation=layout.rotation)


def _character_boxes(line: LineImage, reading: Reading,
                     size: tuple[int, int]) -> list[WordBox]:
    boxes: list[WordBox] = []
    spans = character_spans(line, reading)
    for character, probability, span in zip(reading.characters, reading.probabilities, spans,
                                            strict=True):
        if character.isspace():
            continue
        left, top, right, bottom = span
        corners = np.array([[left, top, 1], [right, top, 1], [right, bottom, 1],
                            [left, bottom, 1]], dtype=np.float64) @ line.to_page.T
        on_page = (corners[:, :2] / corners[:, 2:]).astype(np.float32)
        x0, y0, x1, y1 = _bounds(on_page, size)
        boxes.append(WordBox(text=character, confidence=round(probability * 100, 2),
                             left=x0, top=y0, width=x1 - x0, height=y1 - y0))
    return boxes


def _bounds(points: npt.NDArray[np.float32], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The whole-pixel rectangle around ``points``, inside the page."""
    width, height = size
    left = int(np.clip(np.floor(points[:, 0].min()), 0, width))
    top = int(np.clip(np.floor(points[:, 1].min()), 0, height))
    right = int(np.clip(np.ceil(points[:, 0].max()), left, width))
    bottom = int(np.clip(np.ceil(points[:, 1].max()), top, height))
    return left, top, right, bottom


class PpOcrReader:
    """Reads a document's OCR pages with PP-OCR: one model for every script, so there is no
    model to choose per document and a language hint changes nothing. The language given
    with each reading is the script found on the page (``script``)."""

    def __init__(self, engine: PpOcrEngine, *, timeout_s: float) -> None:
        self._engine = engine
        self._timeout_s = timeout_s

    def read(self, page: PageImage) -> tuple[OcrLanguage, OcrReading]:
        return self._engine.read_page(page, timeout_s=self._timeout_s)
