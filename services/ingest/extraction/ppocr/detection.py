"""Text detection: where the lines are on a page (PP-OCRv6's DB detector).

The page is shrunk before the detector sees it (``detect_lines`` says how far); the lines
found are scaled back to the page's own pixels, so recognition reads them at full
resolution. The post-processing is the differentiable-binarisation method's
(Liao et al., "Real-time Scene Text Detection with Differentiable Binarization", 2020):
threshold the probability map, take each connected region's minimum-area rectangle,
keep it if the mean probability inside is high enough, and grow it back by the margin
the network was trained to shrink text by ("unclip").
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime
import pyclipper

Quad = npt.NDArray[np.float32]
"""Four corners (x, y) of a line's rotated rectangle: top-left, top-right, bottom-right,
bottom-left, in the page's pixels."""

DETECTION_DPI = 100
DETECTION_PIXELS = 1280 * 1280
THIN_LINE_PX = 10.0
LINE_PX = 24.0
FINE_DETECTION_PIXELS = 4096 * 1024
_STRIDE = 32
# PP-OCRv6 small's own post-processing settings (its inference.yml).
_PIXEL_THRESHOLD = 0.2
_BOX_THRESHOLD = 0.45
_UNCLIP_RATIO = 1.4
_MAX_CANDIDATES = 3000
_MIN_SIDE_PX = 3
_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def detect_lines(detector: onnxruntime.InferenceSession,
                 page: npt.NDArray[np.uint8], *, dpi: int) -> list[Quad]:
    """The text lines on ``page`` (BGR, as the network was trained, scanned at ``dpi``),
    in its pixels.

    The detector first sees the page at most ``DETECTION_DPI`` and ``DETECTION_PIXELS``
    (an area, not a side, so a long strip of a receipt keeps its lines' height): 7-point
    text is still 10 pixels high there, which it finds as well as at full size (measured
    on the ingest bench's 200/300-dpi pages and on 7- to 16-point pages: same text;
    detection ~0.1 s a page at 100 dpi, 0.23 s at 150). Where the lines it finds are
    thinner than ``THIN_LINE_PX`` there, the page's text is smaller than ``dpi`` made it
    seem (a scan whose stated resolution is higher than its own): it looks again at a
    scale that makes them ``LINE_PX`` thick, up to ``FINE_DETECTION_PIXELS``. Lines
    found that thin are found cut short or swollen, or not at all, and their characters
    then read wrong (a 150-dpi page of 9-point print said to be 300 dpi lost 3 of its 8
    lines and read 40 % of its characters wrong)."""
    height, width = page.shape[:2]
    scale = min(1.0, math.sqrt(DETECTION_PIXELS / (height * width)), DETECTION_DPI / dpi)
    quads, thickness = _detect(detector, page, scale)
    if quads and thickness < THIN_LINE_PX:
        finer = min(1.0, scale * LINE_PX / thickness,
                    math.sqrt(FINE_DETECTION_PIXELS / (height * width)))
        if finer > scale * 1.25:
            quads, _ = _detect(detector, page, finer)
    return quads


def _detect(detector: onnxruntime.InferenceSession, page: npt.NDArray[np.uint8],
            scale: float) -> tuple[list[Quad], float]:
    """The lines the detector finds on ``page`` shrunk by ``scale``, in the page's pixels,
    and their median thickness (a line's shorter side) as the detector saw them."""
    height, width = page.shape[:2]
    resized_h = max(_STRIDE, round(height * scale / _STRIDE) * _STRIDE)
    resized_w = max(_STRIDE, round(width * scale / _STRIDE) * _STRIDE)
    small = cv2.resize(page, (resized_w, resized_h), interpolation=cv2.INTER_AREA)
    tensor = ((small.astype(np.float32) / 255.0 - _MEAN) / _STD).transpose(2, 0, 1)[None]
    probability = detector.run(None, {"x": tensor})[0][0, 0]
    found = _quads(probability)
    factors = np.array([width / resized_w, height / resized_h], dtype=np.float32)
    quads = [np.clip(quad * factors, 0, [width - 1, height - 1]).astype(np.float32)
             for quad, _ in found]
    thickness = float(np.median([side for _, side in found])) if found else 0.0
    return quads, thickness


def _quads(probability: npt.NDArray[np.float32]) -> list[tuple[Quad, float]]:
    """Each line found on the probability map, with its thickness (shorter side)."""
    bitmap = (probability > _PIXEL_THRESHOLD).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads: list[tuple[Quad, float]] = []
    for found in contours[:_MAX_CANDIDATES]:
        contour = np.asarray(found, dtype=np.int32)
        corners, short_side = _rectangle(contour)
        if short_side < _MIN_SIDE_PX:
            continue
        if _mean_inside(probability, contour) < _BOX_THRESHOLD:
            continue
        grown = _unclipped(corners)
        if grown is None:
            continue
        corners, short_side = _rectangle(grown)
        if short_side < _MIN_SIDE_PX + 2:
            continue
        quads.append((corners, short_side))
    return quads


def _rectangle(points: npt.NDArray[np.int32] | npt.NDArray[np.float32]) -> tuple[Quad, float]:
    """The minimum-area rectangle around ``points``, corners in clockwise order from the
    top-left, and its shorter side."""
    rect = cv2.minAreaRect(points.reshape(-1, 1, 2).astype(np.float32))
    return order_corners(np.asarray(cv2.boxPoints(rect), dtype=np.float32)), float(min(rect[1]))


def order_corners(points: npt.NDArray[np.float32]) -> Quad:
    """A rectangle's four corners, given in order around it (as ``cv2.boxPoints`` gives
    them), as top-left, top-right, bottom-right, bottom-left of the rectangle as it stands:
    its top is the higher of the two sides that run more across than down. Sorting the
    corners by x instead takes the two corners at the lower end of a tall line tilted by a
    few degrees (a page photographed turned a quarter, and askew) for its left side, and
    the line for a wide one lying across the page."""
    across = max(range(4), key=lambda i: float(abs(points[(i + 1) % 4][0] - points[i][0])
                                               - abs(points[(i + 1) % 4][1] - points[i][1])))
    # Each corner of that side with its neighbour on the opposite side.
    ends = [(across, (across + 3) % 4), ((across + 1) % 4, (across + 2) % 4)]
    if sum(points[end][1] for end, _ in ends) > sum(points[other][1] for _, other in ends):
        ends = [(other, end) for end, other in ends]
    (top_left, bottom_left), (top_right, bottom_right) = sorted(
        ends, key=lambda pair: float(points[pair[0]][0]))
    return np.array([points[top_left], points[top_right], points[bottom_right],
                     points[bottom_left]], dtype=np.float32)


def _mean_inside(probability: npt.NDArray[np.float32],
                 contour: npt.NDArray[np.int32]) -> float:
    points = contour.reshape(-1, 2)
    x0, y0 = np.maximum(points.min(axis=0), 0)
    x1, y1 = np.minimum(points.max(axis=0), [probability.shape[1] - 1, probability.shape[0] - 1])
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    cv2.fillPoly(mask, [(points - [x0, y0]).astype(np.int32)], 1)
    return float(cv2.mean(probability[y0:y1 + 1, x0:x1 + 1], mask)[0])


def _unclipped(corners: Quad) -> npt.NDArray[np.float32] | None:
    area = cv2.contourArea(corners)
    perimeter = cv2.arcLength(corners, True)
    if perimeter == 0:
        return None
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(corners.round().astype(np.int64).tolist(), pyclipper.JT_ROUND,
                   pyclipper.ET_CLOSEDPOLYGON)
    grown = offset.Execute(area * _UNCLIP_RATIO / perimeter)
    if len(grown) != 1:
        return None
    return np.array(grown[0], dtype=np.float32)
