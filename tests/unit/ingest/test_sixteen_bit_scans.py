"""Scans of 16 bits a sample (a scanner's 16-bit grey PNG or TIFF) are read as they look."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.ingest.extraction import ExtractionLimits, TesseractEngine, extract_document
from tests.support.cer import character_error_rate
from tests.support.rendering import SIMPLIFIED_LINES, render_page

LINES = SIMPLIFIED_LINES[:4]
# A scanner's grey: ink is never 0 nor paper 65 535.
INK, PAPER = 40, 235


def _sixteen_bit_scan() -> Image.Image:
    page = np.asarray(render_page(LINES), dtype=np.uint16)
    grey = INK + (page * (PAPER - INK)) // 255
    return Image.fromarray((grey * 257).astype(np.uint16))


@pytest.mark.ocr
@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_a_sixteen_bit_grey_scan_is_read(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"scan{suffix}"
    _sixteen_bit_scan().save(path, dpi=(300, 300))
    assert Image.open(path).mode == "I;16"
    [page] = extract_document(path, limits=ExtractionLimits(), engine=TesseractEngine())
    assert character_error_rate("".join(LINES), page.text) < 0.05
