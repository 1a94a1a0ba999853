"""How a page lies and in which order its lines are read.

- **Turned pages.** Lines are wide (horizontal text), tall (columns of vertical text, or
  the lines of a page turned by a quarter) or about square (a lone character). Each line
  of the page's prevailing kind is cut out turned so it runs left to right (wide lines as
  they are, tall ones a quarter counter-clockwise); the line-orientation classifier then
  tells, over the longest of them, whether they stand upright or upside down. Upside down
  means the page is turned 180° (wide lines) or a quarter counter-clockwise (tall lines:
  the page's top is on its left), and every line is cut the other way round. When the
  lines disagree (the classifier's mean vote between ``SURE_UPRIGHT`` and
  ``SURE_UPSIDE_DOWN``: small, blurred print), the layout is ``doubtful`` and the engine
  reads the lines both ways, keeping the more confident reading: an upright page of 10-px
  print, its two lines voting 0.33 and 0.98, was read upside down, as garbage.
- **Reading order.** In the upright page, lines are read top to bottom in rows, left to
  right within a row (lines whose middles are at the same height form a row), and a page
  set in columns column by column (``columns.reading_order``, as Tesseract's lines are);
  columns of vertical text are read right to left, each top to bottom, as on old letters. A page
  turned a quarter clockwise reads exactly like columns of vertical text (its lines' tops
  are on the right), so the two are not told apart here (the text and its order are the
  same); the engine asks Tesseract's OSD which it is (``turns``). Rows and columns are
  found on the page levelled by its lines' median tilt: on a photo taken askew (3-12°) a
  long line's ends lie a line or more apart in height, and unlevelled, lines were run
  together into one row, and a form's label and what was written after it split into two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime

from services.ingest.extraction.columns import Box, bands, reading_order
from services.ingest.extraction.ppocr.detection import Quad
from services.ingest.extraction.ppocr.recognition import TALL_RATIO, LineImage, cut_line

Rotation = Literal[0, 90, 180, 270]
"""Degrees clockwise that turn the page as scanned upright."""

_VOTERS = 12
SURE_UPRIGHT = 0.2
SURE_UPSIDE_DOWN = 0.8
"""The classifier's mean vote beyond which a page's lines are taken to stand as it says
(measured: upright pages 0.00-0.01, upside-down ones 0.99-1.00; the misread page 0.66)."""
_CLASSIFIER_SIZE = (192, 48)


@dataclass(frozen=True, slots=True)
class PageLayout:
    """How to read a page: its ``rotation``, each line's ``quarter_turns`` (counter-
    clockwise, to run left to right) and the lines' reading order (indexes into the quads,
    grouped into rows or columns, each read as one text line)."""

    rotation: Rotation
    quarter_turns: tuple[int, ...]
    order: tuple[tuple[int, ...], ...]
    upside_down: bool = False
    doubtful: bool = False
    """The lines' votes disagreed: read the other way too (``page_layout(turned=…)``)."""


def page_layout(classifier: onnxruntime.InferenceSession, page: npt.NDArray[np.uint8],
                quads: Sequence[Quad], *, turned: bool | None = None) -> PageLayout:
    """The layout of ``page`` (grey) whose lines are ``quads``; ``turned``: the lines taken
    to be upside down (or not) without asking the classifier."""
    shapes = [_shape(quad) for quad in quads]
    vertical = shapes.count("tall") > shapes.count("wide")
    prevailing = "tall" if vertical else "wide"
    voters = sorted((index for index, shape in enumerate(shapes) if shape == prevailing),
                    key=lambda index: -_length(quads[index]))[:_VOTERS]
    vote = 0.0 if not voters or turned is not None else _upside_down_vote(
        classifier, [cut_line(page, quads[index], quarter_turns=_turns(shapes[index], False))
                     for index in voters])
    upside_down = vote > 0.5 if turned is None else turned
    rotation: Rotation = (90 if vertical else 180) if upside_down else 0
    turns = tuple(_turns(shape, upside_down) for shape in shapes)
    height, width = page.shape[:2]
    levelled = _levelled(quads, [quads[index] for index, shape in enumerate(shapes)
                                 if shape == prevailing], (width / 2, height / 2),
                         cells=not vertical)
    if vertical and not upside_down:  # vertical text reads in columns, right to left
        centres = [_upright(quad.mean(axis=0), rotation, width, height) for quad in levelled]
        sizes = [_upright_size(quad, rotation) for quad in levelled]
        order = bands(centres, sizes, axis=0, descending=True)
    else:
        order = reading_order([_upright_box(quad, rotation, width, height)
                               for quad in levelled])
    return PageLayout(rotation=rotation, quarter_turns=turns, order=order,
                      upside_down=upside_down,
                      doubtful=turned is None and SURE_UPRIGHT < vote < SURE_UPSIDE_DOWN)


def cut_lines(page: npt.NDArray[np.uint8], quads: Sequence[Quad],
              layout: PageLayout) -> list[LineImage]:
    """Every line of ``page`` cut out upright, in the quads' order."""
    return [cut_line(page, quad, quarter_turns=turns)
            for quad, turns in zip(quads, layout.quarter_turns, strict=True)]


def _shape(quad: Quad) -> Literal["wide", "tall", "square"]:
    width = float(np.linalg.norm(quad[1] - quad[0]))
    height = float(np.linalg.norm(quad[3] - quad[0]))
    if height >= width * TALL_RATIO:
        return "tall"
    return "wide" if width >= height * TALL_RATIO else "square"


def _length(quad: Quad) -> float:
    return max(float(np.linalg.norm(quad[1] - quad[0])), float(np.linalg.norm(quad[3] - quad[0])))


def _turns(shape: str, upside_down: bool) -> int:
    if shape == "tall":
        return 3 if upside_down else 1
    return 2 if upside_down else 0


def _upside_down_vote(classifier: onnxruntime.InferenceSession, lines: list[LineImage]
                      ) -> float:
    """The lines' mean probability of standing upside down (class 1, "turned 180°"): the
    page is turned when most of their weight says so."""
    batch = np.stack([_classifier_input(line) for line in lines])
    probabilities = classifier.run(None, {"x": batch})[0]
    return float(probabilities[:, 1].mean())


def _classifier_input(line: LineImage) -> npt.NDArray[np.float32]:
    width, height = _CLASSIFIER_SIZE
    line_height, line_width = line.pixels.shape[:2]
    scaled = min(width, max(1, round(height * line_width / line_height)))
    tensor = np.zeros((3, height, width), dtype=np.float32)
    resized = cv2.resize(line.pixels, (scaled, height)).astype(np.float32)
    tensor[:, :, :scaled] = (resized / 255.0 - 0.5) / 0.5
    return tensor


def _levelled(quads: Sequence[Quad], measured: Sequence[Quad],
              centre: tuple[float, float], *, cells: bool) -> list[Quad]:
    """``quads`` turned about ``centre`` by the median tilt of the ``measured`` lines' tops
    (each within 45° of level: ``order_corners``), so that those lines lie level; ``cells``:
    the measured lines are wide, and may be a table's cells (``_aligned_tilt``). Tall lines
    (a page turned a quarter, or columns of vertical text) are never cells: measured as
    cells, the columns' middles, each at half its own length, lay level only 10-15° askew,
    and a page turned a quarter counter-clockwise, read upright, ran its lines together
    two by two, the second first."""
    if not measured:
        return list(quads)
    tilt = float(np.median(
        [math.atan2(float(quad[1][1] - quad[0][1]), float(quad[1][0] - quad[0][0]))
         for quad in measured]))
    if cells:
        tilt = _aligned_tilt(measured, tilt)
    cos, sin = math.cos(tilt), math.sin(tilt)
    level = np.array([[cos, -sin], [sin, cos]], dtype=np.float32)  # row vectors turned by -tilt
    origin = np.array(centre, dtype=np.float32)
    return [((quad - origin) @ level + origin).astype(np.float32) for quad in quads]


_TILTS = np.radians(np.arange(-15.0, 15.01, 0.25))
SHORT_LINES = 8.0
"""Lines whose median length is under this many of their heights are a table's cells."""


def _aligned_tilt(quads: Sequence[Quad], tilt: float) -> float:
    """On a page of short lines (a table's cells: their median is under
    ``SHORT_LINES`` heights long), the tilt (radians) at which most pairs of ``quads``
    side by side lie level with each other, when more do than at the lines' own median
    ``tilt``: a short line's tilt is measured on a few pixels of the detector's map, and a
    table's cells, photographed 3° askew, said 0° or 4.8° (median 1.5°), so the far ends
    of a row lay a row apart and the row was read as two, its right half first. Long
    lines tell their tilt well, and a page of them has few pairs side by side."""
    lengths = np.array([float(np.linalg.norm(quad[1] - quad[0])) for quad in quads])
    heights = np.array([float(np.linalg.norm(quad[3] - quad[0])) for quad in quads])
    if np.median(lengths) >= SHORT_LINES * np.median(heights):
        return tilt
    centres = np.array([quad.mean(axis=0) for quad in quads], dtype=np.float64)
    first, second = np.triu_indices(len(quads), k=1)
    dx = centres[second, 0] - centres[first, 0]
    beside = np.abs(dx) > (lengths[first] + lengths[second]) / 2
    first, second, dx = first[beside], second[beside], dx[beside]
    if not len(first):
        return tilt
    dy = centres[second, 1] - centres[first, 1]
    # Turned level by a tilt t, a pair's middles are r·sin(angle - t) apart in height; they
    # lie level within a quarter of the lower line's height for t in an interval around
    # the angle between them. Counted by the intervals' ends: no pair × tilt table (a
    # ledger's thousand cells make half a million pairs).
    angle = np.arctan2(dy * np.sign(dx), np.abs(dx))
    reach = np.arcsin(np.minimum(1.0, np.minimum(heights[first], heights[second])
                                 / (4 * np.hypot(dx, dy))))
    starts, ends = np.sort(angle - reach), np.sort(angle + reach)
    tilts = np.append(_TILTS, tilt)
    pairs = np.searchsorted(starts, tilts, side="left") - np.searchsorted(ends, tilts,
                                                                          side="right")
    best = int(np.argmax(pairs[:-1]))
    return float(_TILTS[best]) if pairs[best] > max(2, 1.2 * pairs[-1]) else tilt


def _upright(point: npt.NDArray[np.float32], rotation: Rotation,
             width: int, height: int) -> tuple[float, float]:
    x, y = float(point[0]), float(point[1])
    if rotation == 180:
        return width - x, height - y
    if rotation == 90:
        return height - y, x
    return x, y


def _upright_box(quad: Quad, rotation: Rotation, width: int, height: int) -> Box:
    corners = [_upright(corner, rotation, width, height) for corner in quad]
    return (min(x for x, _ in corners), min(y for _, y in corners),
            max(x for x, _ in corners), max(y for _, y in corners))


def _upright_size(quad: Quad, rotation: Rotation) -> tuple[float, float]:
    span = quad.max(axis=0) - quad.min(axis=0)
    width, height = float(span[0]), float(span[1])
    return (height, width) if rotation == 90 else (width, height)
