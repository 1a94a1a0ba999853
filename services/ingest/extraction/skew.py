"""Pages photographed askew, levelled before Tesseract reads them.

Tesseract finds lines tilted by a scanner's degree or two, not by a phone's: on rendered
pages of four lines it read 3° askew without an error, 5° with 9% of the characters wrong,
8° with 58%, and -8° not at all (no word found, confidence 0); on phone photos of letters
askew by 5° and 8°, nothing. (PP-OCR cuts each line out along its own tilt, and needs
none of this.)

How far a page is tilted is found from its ink (``levelling_turn``): the print, picked
out by a threshold against its neighbourhood (a photo's shadow and the table around the
sheet are no ink), is turned by each angle up to ``MAX_TILT_DEG`` either way, and the
turn whose rows of ink are sharpest (lines and the gaps between them, not a blur of both)
is the one that levels it. A page whose rows are no sharper turned than as given (a page
of vertical lines, turned a quarter; a page without print) is left as it is, and so is
one tilted less than ``MIN_TILT_DEG``, which Tesseract reads as well.
"""

from __future__ import annotations

import math
from typing import TypeVar

import cv2
import msgspec
import numpy as np
from PIL import Image

from services.ingest.extraction.models import OcrReading, ReadBox

MAX_TILT_DEG = 15.0
MIN_TILT_DEG = 2.0
"""Tilts under this are left to Tesseract, which reads them as well as level (3° above)."""
SHARPER = 1.2
"""How much sharper than as given the rows must be turned for the page to be turned."""
_COARSE_STEP_DEG = 1.0
_FINE_STEP_DEG = 0.2
_MEASURED_PIXELS = 420 * 600
_INK_CONTRAST = 15
Box = TypeVar("Box", bound=ReadBox)


def levelling_turn(pixels: Image.Image) -> float:
    """Degrees counter-clockwise (Pillow's ``rotate``) that level the print on ``pixels``;
    0.0 when it is level enough, or its rows do not tell."""
    grey = pixels.convert("L")
    scale = min(1.0, math.sqrt(_MEASURED_PIXELS / (grey.width * grey.height)))
    small = np.asarray(grey.resize((max(1, round(grey.width * scale)),
                                    max(1, round(grey.height * scale))), Image.Resampling.BOX))
    block = max(15, small.shape[1] // 40) | 1
    ink = Image.fromarray(cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, _INK_CONTRAST))

    # The coarse search looks at the ink at half its size (a quarter of the pixels): a
    # degree's tilt shows as well there, and it is most of the turns tried.
    halved = ink.resize((max(1, ink.width // 2), max(1, ink.height // 2)),
                        Image.Resampling.BOX)

    def sharpness(turn: float, image: Image.Image = ink) -> float:
        rows = np.asarray(image.rotate(turn, resample=Image.Resampling.BILINEAR, expand=True),
                          dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    coarse = np.arange(-MAX_TILT_DEG, MAX_TILT_DEG + _COARSE_STEP_DEG / 2, _COARSE_STEP_DEG)
    best = float(max(coarse, key=lambda turn: sharpness(turn, halved)))
    fine = np.arange(best - _COARSE_STEP_DEG, best + _COARSE_STEP_DEG + _FINE_STEP_DEG / 2,
                     _FINE_STEP_DEG)
    best = round(float(max(fine, key=sharpness)), 1)
    if abs(best) < MIN_TILT_DEG or sharpness(best) < SHARPER * sharpness(0.0):
        return 0.0
    return best


def levelled(pixels: Image.Image, turn: float) -> Image.Image:
    """``pixels`` turned ``turn`` degrees counter-clockwise about its centre, on a canvas
    grown to hold it all, the corners filled with white paper."""
    white: float | tuple[float, ...] = (255, 255, 255) if pixels.mode == "RGB" else 255
    resample = (Image.Resampling.NEAREST if pixels.mode == "1"
                else Image.Resampling.BICUBIC)
    return pixels.rotate(turn, resample=resample, expand=True, fillcolor=white)


def reading_unlevelled(reading: OcrReading, turn: float, levelled_size: tuple[int, int],
                       size: tuple[int, int]) -> OcrReading:
    """``reading`` of the page levelled by ``turn`` (``levelled``), its boxes put back on
    the page as given (``size``): each the rectangle around its corners turned back."""
    return msgspec.structs.replace(
        reading,
        words=tuple(_box_back(word, turn, levelled_size, size) for word in reading.words),
        lines=tuple(_box_back(line, turn, levelled_size, size) for line in reading.lines))


def _box_back(box: Box, turn: float, levelled_size: tuple[int, int],
                            size: tuple[int, int]) -> Box:
    angle = math.radians(turn)
    cos, sin = math.cos(angle), math.sin(angle)
    (out_x, out_y), (in_x, in_y) = (levelled_size[0] / 2, levelled_size[1] / 2), (
        size[0] / 2, size[1] / 2)
    xs, ys = [], []
    for x, y in ((box.left, box.top), (box.left + box.width, box.top),
                 (box.left, box.top + box.height),
                 (box.left + box.width, box.top + box.height)):
        dx, dy = x - out_x, y - out_y
        xs.append(in_x + dx * cos - dy * sin)
        ys.append(in_y + dx * sin + dy * cos)
    left = int(np.clip(math.floor(min(xs)), 0, size[0]))
    top = int(np.clip(math.floor(min(ys)), 0, size[1]))
    right = int(np.clip(math.ceil(max(xs)), left, size[0]))
    bottom = int(np.clip(math.ceil(max(ys)), top, size[1]))
    return msgspec.structs.replace(box, left=left, top=top, width=right - left,
                                   height=bottom - top)
