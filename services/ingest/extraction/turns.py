"""Pages scanned turned (a quarter, or upside down): the page image turned upright, and
boxes read on the upright image put back on the page image as scanned."""

from __future__ import annotations

from typing import TypeVar

import msgspec
from PIL import Image

from services.ingest.extraction.models import OcrReading, ReadBox, Rotation

UPRIGHT: dict[Rotation, Image.Transpose] = {
    90: Image.Transpose.ROTATE_270,  # Pillow turns counter-clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
"""The transposition that turns a page image ``rotation`` degrees clockwise."""
Box = TypeVar("Box", bound=ReadBox)


def turned_upright(pixels: Image.Image, rotation: Rotation) -> Image.Image:
    """``pixels`` turned ``rotation`` degrees clockwise (no resampling)."""
    return pixels.transpose(UPRIGHT[rotation]) if rotation else pixels


def reading_as_scanned(reading: OcrReading, rotation: Rotation,
                       scanned: tuple[int, int]) -> OcrReading:
    """``reading`` of the page turned upright by ``rotation``, its boxes put back on the
    ``scanned``-sized page image as scanned, and its ``rotation`` said."""
    return msgspec.structs.replace(
        reading, rotation=rotation,
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
