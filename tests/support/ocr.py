"""The OCR engines the contract tests read pages with, and the error rates they allow."""

from __future__ import annotations

from collections.abc import Callable

from services.ingest.extraction import OcrEngine, TesseractEngine
from services.ingest.extraction.ppocr import PpOcrEngine

ENGINES: dict[str, Callable[[], OcrEngine]] = {"ppocr": PpOcrEngine, "tesseract": TesseractEngine}
MAX_PRINTED = {"ppocr": 0.003, "tesseract": 0.05}
"""Highest folded CER per printed page allowed: PP-OCR's target, Tesseract's looser bound."""
MAX_HANDWRITTEN = {"ppocr": 0.01, "tesseract": 0.3}
"""The same for a handwritten page."""
