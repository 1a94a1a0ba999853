"""Red seals (公章) stamped over the print: taken off the page before its lines are found
and read, as a person reading it looks through them.

A seal's red ink is dark in grey (a 公章's red is about 85 of 255, as dark as pencil), so
read in grey it cuts into the lines it covers: on pages of rendered letters with a seal
over three lines, PP-OCR lost a unit code and four digits of a telephone number under it,
and read the seal's own characters into the text (8-10% of the characters wrong; 0-3%
with the red taken off, measured on a scan and a phone photo). Red is told by its colour,
red well above both green and blue (``RED_MARGIN``), which black print, blue or black
ink, grey paper and a photo's warm light are not; print under the seal stays dark, as
the seal's red over black is black. Tesseract is given the page as scanned.

A line printed or written in red is kept as it is: a 红头 header, a red-pen note on a line
of its own (most of its ink red, ``RED_LINE``). A few red characters in a black line (a
red-pen correction between printed words) are taken off with the seal.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from services.ingest.extraction.ppocr.detection import Quad

RED_MARGIN = 60
"""How far a pixel's red must be above its green and its blue for it to be red ink (a
seal's red is 150-180 above; a faded one's, 70; paper under warm light, under 40)."""

RED_LINE = 0.8
"""The share of a line's ink that is red for the line to be red print, kept (a header in
red: all of it; a black line a seal covers: a half at most, measured on the seals above)."""

MIN_RED_SHARE = 0.0005
"""The share of a page that is red ink below which no seal is looked for (a red tick, a
page number's dot): the page is read as scanned."""

_INK = 160
_RIM = np.ones((5, 5), dtype=np.uint8)


def without_seals(rgb: npt.NDArray[np.uint8], grey: npt.NDArray[np.uint8],
                  lines: Sequence[Quad]) -> npt.NDArray[np.uint8] | None:
    """``grey`` (the page ``rgb`` in grey) with its red ink made paper, except inside the
    ``lines`` (found on the page as scanned) printed in red; ``None`` when the page has too
    little red ink to hold a seal (``MIN_RED_SHARE``)."""
    red_channel = np.ascontiguousarray(rgb[..., 0])
    # Saturating, in bytes: a page has no red pixel more often than not, and a copy of it
    # widened to 16 bits cost twice the time to find that out.
    red = cv2.subtract(red_channel, np.maximum(rgb[..., 1], rgb[..., 2])) > RED_MARGIN
    if red.mean() < MIN_RED_SHARE:
        return None
    kept = np.zeros_like(red)
    for line in lines:
        (left, top), (right, bottom) = _bounds(line, grey.shape)
        inside = np.zeros((bottom - top, right - left), dtype=np.uint8)
        cv2.fillPoly(inside, [np.round(line - [left, top]).astype(np.int32)], 1)
        ink = inside.astype(bool) & (grey[top:bottom, left:right] < _INK)
        if ink.any() and (red[top:bottom, left:right] & ink).sum() >= RED_LINE * ink.sum():
            kept[top:bottom, left:right] |= inside.astype(bool)
    # With the pale rim a seal's strokes have (blended with the paper, or a JPEG's ringing),
    # which is not red enough on its own and was read as a stray letter; the red channel
    # of print beside it is as dark as its grey, so the print stays.
    taken_off = cv2.dilate(red.astype(np.uint8), _RIM).astype(bool) & ~kept
    # Red ink is light in the red channel, not white (a seal's 205 where paper is 255):
    # lifted by the seal's own red, it is paper, not a grey ghost of the seal's characters
    # (read as a stray letter).
    seal_red = max(1.0, float(np.median(red_channel[red])))
    lifted = np.minimum(255.0, red_channel[taken_off] * (255.0 / seal_red))
    cleaned = grey.copy()
    cleaned[taken_off] = np.maximum(grey[taken_off], lifted).astype(np.uint8)
    return cleaned


def _bounds(line: Quad, shape: tuple[int, ...]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The pixel rectangle around ``line``, inside a page of ``shape``."""
    height, width = shape[:2]
    low = np.clip(np.floor(line.min(axis=0)), 0, [width, height]).astype(int)
    high = np.clip(np.ceil(line.max(axis=0)) + 1, low, [width, height]).astype(int)
    return (int(low[0]), int(low[1])), (int(high[0]), int(high[1]))
