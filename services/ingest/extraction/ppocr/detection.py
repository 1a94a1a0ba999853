"""Text detection: where the lines are on a page (PP-OCRv6's DB detector).

The page is shrunk so its long side is at most ``DETECTION_SIDE_PX`` before the detector
sees it; the lines found are scaled back to the page's own pixels, so recognition reads
them at full resolution. The post-processing is the differentiable-binarisation method's
(Liao et al., "Real-time Scene Text Detection with Differentiable Binarization", 2020):
threshold the probability map, take each connected region's minimum-area rectangle,
keep it if the mean probability inside is high enough, and grow it back by the margin
the network was trained to shrink text by ("unclip").
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime
import pyclipper

Quad = npt.NDArray[np.float32]
"""Four corners (x, y) of a line's rotated rectangle: top-left, top-right, bottom-right,
bottom-left, in the page's pixels."""

DETECTION_SIDE_PX = 1280
DETECTION_DPI = 100
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
    in its pixels. The detector sees the page at most ``DETECTION_SIDE_PX`` long and at
    most ``DETECTION_DPI``: 9-point text is still 12 pixels high there, which it finds as
    well as at full size (measured on the ingest bench's 200/300-dpi pages: same text,
    detection 0.23 s a page at 150 dpi, ~0.1 s at 100 dpi)."""
    height, width = page.shape[:2]
    scale = min(1.0, DETECTION_SIDE_PX / max(height, width), DETECTION_DPI / dpi)
    resized_h = max(_STRIDE, round(height * scale / _STRIDE) * _STRIDE)
    resized_w = max(_STRIDE, round(width * scale / _STRIDE) * _STRIDE)
    small = cv2.resize(page, (resized_w, resized_h), interpolation=cv2.INTER_AREA)
    tensor = ((small.astype(np.float32) / 255.0 - _MEAN) / _STD).transpose(2, 0, 1)[None]
    probability = detector.run(None, {"x": tensor})[0][0, 0]
    quads = _quads(probability)
    factors = np.array([width / resized_w, height / resized_h], dtype=np.float32)
    return [np.clip(quad * factors, 0, [width - 1, height - 1]).astype(np.float32)
            for quad in quads]


def _quads(probability: npt.NDArray[np.float32]) -> list[Quad]:
    bitmap = (probability > _PIXEL_THRESHOLD).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads: list[Quad] = []
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
        quads.append(corners)
    return quads


def _rectangle(points: npt.NDArray[np.int32] | npt.NDArray[np.float32]) -> tuple[Quad, float]:
    """The minimum-area rectangle around ``points``, corners in clockwise order from the
    top-left, and its shorter side."""
    rect = cv2.minAreaRect(points.reshape(-1, 1, 2).astype(np.float32))
    return order_corners(np.asarray(cv2.boxPoints(rect), dtype=np.float32)), float(min(rect[1]))


def order_corners(points: npt.NDArray[np.float32]) -> Quad:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    by_x = points[np.argsort(points[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


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
