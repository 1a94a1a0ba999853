"""Text recognition: what a line says, and where each character of it is (PP-OCRv6's
SVTR-based recogniser with CTC decoding).

A line is cut out of the page with a perspective warp of its rotated rectangle, which
deskews it; a tall line (a column of vertical text, or a line of a page turned by 90°)
is turned a quarter so it runs left to right. Lines are read one at a time (``read_lines``
says why).

The recogniser emits one class per column step of ``_STEP_PX`` pixels of the 48-pixel-high
line; CTC decoding keeps a step's class when it differs from the previous step's and is
not the blank. Where a character's steps are is where it is: its box runs between the
midpoints to its neighbours, then shrinks to the ink inside (``character_spans``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime

from services.ingest.extraction.ppocr.detection import Quad

LINE_HEIGHT_PX = 48
_STEP_PX = 8
# A line this many times taller than wide runs top to bottom (or the page is turned).
TALL_RATIO = 1.5
_MAX_WIDTH_PX = 48 * 80
_END_MARGIN = 0.15
_SIDE_MARGIN = 0.3


@dataclass(frozen=True, slots=True)
class LineImage:
    """A line cut out of the page, upright and running left to right (``pixels``, grey),
    and the 3×3 transform from its pixels back to the page's."""

    pixels: npt.NDArray[np.uint8]
    to_page: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Reading:
    """A line as read: its characters (and their classes), each one's probability, each
    one's first and last column step (``steps``) out of ``step_count`` steps across the
    line, and where it has forms in the other script, the probability of the likeliest
    of them at the same place (``script``)."""

    characters: tuple[str, ...]
    classes: tuple[int, ...]
    probabilities: tuple[float, ...]
    steps: tuple[tuple[int, int], ...]
    step_count: int
    counterpart_probabilities: tuple[float | None, ...]

    @property
    def confidence(self) -> float:
        return float(np.mean(self.probabilities)) if self.probabilities else 0.0


def cut_line(page: npt.NDArray[np.uint8], quad: Quad, *, quarter_turns: int = 0) -> LineImage:
    """``quad`` of ``page`` (grey) straightened into a rectangle, then turned
    ``quarter_turns`` quarters counter-clockwise (1: the line's top was on its right)."""
    top_left, top_right, bottom_right, bottom_left = quad
    width = max(1, round(max(np.linalg.norm(top_right - top_left),
                             np.linalg.norm(bottom_right - bottom_left))))
    height = max(1, round(max(np.linalg.norm(bottom_left - top_left),
                              np.linalg.norm(bottom_right - top_right))))
    # Margins of the page around the line. At its ends: without them the recogniser
    # misreads a line's first letters now and then (``Room`` as ``Ro0m`` on 1 line in 3
    # at 300 dpi). Above and below, twice as much: the text is then smaller in the
    # recogniser's 48 pixels, so the line is narrower there, and fewer columns cost less
    # (measured on the ingest bench: 0.61 → 0.49 CPU s a printed page, the same text;
    # handwritten pages read better, 0.41% → 0.21%; at three times, English lost letters).
    thickness = min(width, height)
    along, across = round(_END_MARGIN * thickness), round(_SIDE_MARGIN * thickness)
    margin_x, margin_y = (along, across) if width >= height else (across, along)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]],
                      dtype=np.float32) + np.array([margin_x, margin_y], dtype=np.float32)
    to_line = np.asarray(cv2.getPerspectiveTransform(quad.astype(np.float32), target),
                         dtype=np.float64)
    width, height = width + 2 * margin_x, height + 2 * margin_y
    pixels = np.asarray(cv2.warpPerspective(page, to_line, (width, height),
                                            flags=cv2.INTER_CUBIC,
                                            borderMode=cv2.BORDER_REPLICATE), dtype=np.uint8)
    if quarter_turns % 4:
        pixels, turn = _turned(pixels, quarter_turns % 4)
        to_line = turn @ to_line
    return LineImage(pixels=np.ascontiguousarray(pixels),
                     to_page=np.asarray(np.linalg.inv(to_line), dtype=np.float64))


def _turned(pixels: npt.NDArray[np.uint8],
            quarter_turns: int) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.float64]]:
    """``pixels`` turned counter-clockwise, and the transform from old to new pixels."""
    height, width = pixels.shape[:2]
    turned = np.rot90(pixels, quarter_turns)
    if quarter_turns == 1:  # (x, y) → (y, width - x)
        turn = np.array([[0, 1, 0], [-1, 0, width], [0, 0, 1]], dtype=np.float64)
    elif quarter_turns == 2:
        turn = np.array([[-1, 0, width], [0, -1, height], [0, 0, 1]], dtype=np.float64)
    else:  # (x, y) → (height - y, x)
        turn = np.array([[0, -1, height], [1, 0, 0], [0, 0, 1]], dtype=np.float64)
    return turned, turn


def read_lines(recogniser: onnxruntime.InferenceSession, characters: Sequence[str],
               counterparts: Mapping[int, tuple[int, ...]], lines: Sequence[LineImage], *,
               before_line: Callable[[], None]) -> list[Reading]:
    """Each line's reading, in the order given; ``before_line`` is called before each line
    (it raises to stop, e.g. past a time limit).

    One line at a time: batches of lines sorted by width were slower per line on one
    onnxruntime thread (measured 0.085 s a line alone, 0.096 s in batches of 4 to 16 of
    equal width), and a line padded to its batch's width lost its last letter now and
    then (``until`` read as ``unti``).
    """
    readings: list[Reading] = []
    for line in lines:
        before_line()
        width = _scaled_width(line)
        probabilities = recogniser.run(None, {"x": _normalised(line, width)[None]})[0]
        readings.append(_decoded(probabilities[0], characters, counterparts))
    return readings


def _scaled_width(line: LineImage) -> int:
    height, width = line.pixels.shape[:2]
    return int(min(_MAX_WIDTH_PX, max(_STEP_PX, np.ceil(LINE_HEIGHT_PX * width / height))))


def _normalised(line: LineImage, width: int) -> npt.NDArray[np.float32]:
    """The line as the recogniser takes it: 48 pixels high, three equal channels, in −1…1."""
    resized = cv2.resize(line.pixels, (width, LINE_HEIGHT_PX), interpolation=cv2.INTER_LINEAR)
    grey = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
    return np.repeat(grey[None], 3, axis=0)


def _decoded(probabilities: npt.NDArray[np.float32], characters: Sequence[str],
             counterparts: Mapping[int, tuple[int, ...]]) -> Reading:
    step_count = probabilities.shape[0]
    classes = probabilities.argmax(axis=1)
    best = probabilities[np.arange(step_count), classes]
    found: list[int] = []
    peaks: list[int] = []
    steps: list[tuple[int, int]] = []
    previous = 0
    for step, index in enumerate(classes.tolist()):
        if index != 0 and index == previous and steps:
            steps[-1] = (steps[-1][0], step)
            if best[step] > best[peaks[-1]]:
                peaks[-1] = step
        elif index != 0:
            found.append(index)
            peaks.append(step)
            steps.append((step, step))
        previous = index
    return Reading(
        characters=tuple(characters[index] for index in found), classes=tuple(found),
        probabilities=tuple(float(best[peak]) for peak in peaks), steps=tuple(steps),
        step_count=step_count,
        counterpart_probabilities=tuple(
            float(probabilities[peak, list(counterparts[index])].max())
            if index in counterparts else None
            for index, peak in zip(found, peaks, strict=True)))


def character_spans(line: LineImage, reading: Reading) -> list[tuple[int, int, int, int]]:
    """Each character's box in the line's pixels, ``(left, top, right, bottom)``.

    A character owns the columns between the midpoints to its neighbours' step centres
    (the first and last reach as far out as their neighbour is away); each boundary is
    moved to the emptiest column near it, and the box shrinks to the ink inside it.
    """
    if not reading.characters:
        return []
    height, width = line.pixels.shape[:2]
    per_step = width / reading.step_count
    centres = [(first + last + 1) / 2 * per_step for first, last in reading.steps]
    ink = _ink(line.pixels)
    columns = ink.sum(axis=0)
    bounds = [0.0]
    for left, right in itertools.pairwise(centres):
        bounds.append(_emptiest(columns, left, right))
    bounds.append(float(width))
    if len(centres) > 1:
        bounds[0] = max(0.0, centres[0] - (bounds[1] - centres[0]))
        bounds[-1] = min(float(width), centres[-1] + (centres[-1] - bounds[-2]))
    spans: list[tuple[int, int, int, int]] = []
    for start, end in itertools.pairwise(bounds):
        left, right = int(np.floor(start)), max(int(np.ceil(end)), int(np.floor(start)) + 1)
        spans.append(_shrunk_to_ink(ink, left, right, height))
    return spans


def _ink(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    _, binary = cv2.threshold(pixels, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)


def _emptiest(columns: npt.NDArray[np.uint64], left: float, right: float) -> float:
    """Where two characters centred at ``left`` and ``right`` meet: the blank column
    nearest the midpoint (any but the tenth beside each centre), else the column with
    the least ink in the middle half."""
    middle = (left + right) / 2
    for reach in ((right - left) * 0.4, (right - left) / 4):
        start, end = int(np.ceil(middle - reach)), int(np.floor(middle + reach))
        if end <= start:
            return middle
        window = columns[start:end + 1]
        lowest = 0 if reach > (right - left) / 4 else window.min()
        candidates = np.flatnonzero(window == lowest) + start
        if candidates.size:
            return float(candidates[np.argmin(np.abs(candidates - middle))]) + 0.5
    return middle


def _shrunk_to_ink(ink: npt.NDArray[np.uint8], left: int, right: int,
                   height: int) -> tuple[int, int, int, int]:
    area = ink[:, left:right]
    columns = np.flatnonzero(area.any(axis=0))
    rows = np.flatnonzero(area.any(axis=1))
    if columns.size == 0 or rows.size == 0:
        return left, 0, right, height
    return (left + int(columns[0]), int(rows[0]), left + int(columns[-1]) + 1,
            int(rows[-1]) + 1)
