"""Pages scanned turned (a quarter, or upside down): how a page lies, decided in one place
for every engine; the page image turned upright; and boxes read on the upright image put
back on the page image as scanned.

How a page lies is decided after reading it (``read_upright``):

1. The engine reads the page as given (PP-OCR may turn it itself by its lines'
   orientation; Tesseract does not). A reading that is not doubtful (``may_be_turned``)
   is kept: an upright printed page costs nothing more.
2. A doubtful reading is shown to Tesseract's orientation detection (OSD), which tells
   a page of one line too (a slip, or one column of vertical text: ``engine.
   page_orientation``). When OSD tells how the page lies, the page is read turned upright
   by that.
3. When OSD cannot tell (a line of fewer than 9 characters), the turns the reading's lines
   allow are read: upside down for wide lines, both quarters for lines that stand.
4. The most confident of the turned readings is kept, unless the reading as given is more
   confident by more than ``SAME_CONFIDENCE``.

A page turned a quarter clockwise reads as columns of vertical text, the same text in the
same order, and PP-OCR reads both equally well (its confidences differ by tenths), so only
OSD tells them apart (its characters stand upright or lie on their side), which the preview
needs. A page of one column of vertical text (竖排: an envelope, a seal, a 红头 header) was
taken for a line turned a quarter before OSD was asked about a page of one line (measured
on rendered columns of 9-19 characters: OSD tells them upright, and slips of one line
turned each way right).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import msgspec
from PIL import Image

from services.ingest.extraction.models import OcrLanguage, OcrReading, ReadBox, Rotation

UPRIGHT: dict[Rotation, Image.Transpose] = {
    90: Image.Transpose.ROTATE_270,  # Pillow turns counter-clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
"""The transposition that turns a page image ``rotation`` degrees clockwise."""
Box = TypeVar("Box", bound=ReadBox)

ReadImage = Callable[[Image.Image], tuple[OcrLanguage, OcrReading]]
"""An engine reading one image: the language (or script) it read, and its reading with boxes
in that image's pixels and the ``rotation`` the engine turned it by itself, if any."""

DOUBTFUL_CONFIDENCE = 40.0
"""A reading with a mean word confidence under this may be of a turned page. Measured with
Tesseract's ``chi_sim``/``chi_tra`` on rendered pages of 1-12 lines, printed (scanned: skew,
blur, grain) and handwritten, at 300 dpi: upright pages read at 61-77 (handwritten) and
92-94 (printed); the same pages turned upside down or a quarter counter-clockwise at
10-36. PP-OCR reads its pages at 90-100."""

SAME_CONFIDENCE = 1.0
"""Readings whose mean confidences differ by no more than this are as good as each other,
and a turned reading is then preferred to the reading as given: PP-OCR reads a page turned
a quarter clockwise, as given, as well as turned upright (the same lines, cut the same way),
its two readings differing by a few tenths."""


Orientation = Callable[[], Rotation | None]
"""OSD asked how far the page must be turned clockwise to stand upright (``None``: it cannot
tell)."""


def read_upright(pixels: Image.Image, read: ReadImage, *,
                 orientation: Orientation) -> tuple[OcrLanguage, OcrReading]:
    """The reading of ``pixels`` by ``read``, turned upright as this module's docstring
    decides, with boxes in ``pixels`` and the ``rotation`` it was read at. ``orientation``
    is called only for a doubtful reading."""
    as_given = read(pixels)
    reading = as_given[1]
    if not may_be_turned(reading):
        return as_given
    told = orientation()
    turns: set[Rotation] = ({told} if told is not None else {90, 270} if _stands(reading)
                            else {0, 180})
    candidates = [read_turned(pixels, read, turn)
                  for turn in sorted(turns - {0, reading.rotation})]
    if not candidates:
        return as_given
    best = max(candidates, key=lambda candidate: candidate[1].mean_confidence)
    if best[1].mean_confidence + SAME_CONFIDENCE >= reading.mean_confidence:
        return best
    return as_given


def read_turned(pixels: Image.Image, read: ReadImage,
                rotation: Rotation) -> tuple[OcrLanguage, OcrReading]:
    """``pixels`` read by ``read`` turned upright by ``rotation``, its boxes put back on
    ``pixels``."""
    if not rotation:
        return read(pixels)
    language, reading = read(turned_upright(pixels, rotation))
    return language, reading_as_scanned(reading, rotation, pixels.size)


def may_be_turned(reading: OcrReading) -> bool:
    """Whether ``reading`` may be of a page scanned turned, so that OSD is asked: it has
    words, and reads doubtfully (``DOUBTFUL_CONFIDENCE``) or in lines that stand taller
    than wide (a page turned a quarter, or columns of vertical text)."""
    if not reading.words:
        return False
    return reading.mean_confidence < DOUBTFUL_CONFIDENCE or _stands(reading)


def _stands(reading: OcrReading) -> bool:
    """Whether most of the reading's lines stand taller than wide on the page as scanned."""
    standing = sum(line.height > line.width for line in reading.lines)
    return standing > len(reading.lines) - standing


def turned_upright(pixels: Image.Image, rotation: Rotation) -> Image.Image:
    """``pixels`` turned ``rotation`` degrees clockwise (no resampling)."""
    return pixels.transpose(UPRIGHT[rotation]) if rotation else pixels


def reading_as_scanned(reading: OcrReading, rotation: Rotation,
                       scanned: tuple[int, int]) -> OcrReading:
    """``reading`` of the page turned by ``rotation``, its boxes put back on the
    ``scanned``-sized page image as scanned, and its ``rotation`` said: ``rotation`` and
    any turn the engine made itself."""
    return msgspec.structs.replace(
        reading, rotation=cast("Rotation", (rotation + reading.rotation) % 360),
        words=tuple(_box_as_scanned(word, rotation, scanned) for word in reading.words),
        lines=tuple(_box_as_scanned(line, rotation, scanned) for line in reading.lines))


def _box_as_scanned(box: Box, rotation: Rotation, scanned: tuple[int, int]) -> Box:
    width, height = scanned
    left, top, right, bottom = box.left, box.top, box.left + box.width, box.top + box.height
    if rotation == 90:
        left, top, right, bottom = top, height - right, bottom, height - left
    elif rotation == 180:
        left, top, right, bottom = width - right, height - bottom, width - left, height - top
    elif rotation == 270:
        left, top, right, bottom = width - bottom, left, width - top, right
    return msgspec.structs.replace(box, left=left, top=top, width=right - left,
                                   height=bottom - top)
