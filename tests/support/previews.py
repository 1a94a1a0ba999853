"""Checks that boxes fall on the characters of a page preview: against where the page's
characters were drawn (``rendering.character_boxes``), or against the preview's own ink."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image, ImageDraw

from tests.support.rendering import Box

INK = 128
"""Grey levels below this are ink."""


def edges(box: Mapping[str, Any]) -> Box:
    """``(left, top, right, bottom)`` of a box as the API gives it."""
    return (box["left"], box["top"], box["left"] + box["width"], box["top"] + box["height"])


def scaled(box: Box, scale: float) -> Box:
    return (round(box[0] * scale), round(box[1] * scale), round(box[2] * scale),
            round(box[3] * scale))


def boxes_on_drawn_characters(boxes: Sequence[Mapping[str, Any]],
                              drawn: Sequence[tuple[str, Box]], *, slack: int = 3
                              ) -> tuple[int, int]:
    """How many of the characters drawn (``drawn``: each with its ink box, in the
    preview's pixels) were read as the same character, and how many of those have a box
    whose centre is on the drawn character (within ``slack`` pixels). Boxes and drawn
    characters are matched in reading order, around whatever OCR misread."""
    read = "".join(box["text"] for box in boxes)
    if len(read) != len(boxes):
        raise AssertionError("expected a box per character")
    wanted = "".join(character for character, _ in drawn)
    matcher = difflib.SequenceMatcher(None, read, wanted, autojunk=False)
    matched = on_it = 0
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            box = edges(boxes[block.a + offset])
            left, top, right, bottom = drawn[block.b + offset][1]
            centre_x, centre_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            matched += 1
            on_it += (left - slack <= centre_x <= right + slack
                      and top - slack <= centre_y <= bottom + slack)
    return matched, on_it


def ink_outside_boxes(preview: Image.Image, boxes: Sequence[Mapping[str, Any]]) -> float:
    """The share of the preview's ink that no box (grown by a pixel) covers."""
    dark = preview.convert("L").point(lambda value: 255 if value < INK else 0)
    covered = Image.new("L", preview.size, 0)
    draw = ImageDraw.Draw(covered)
    for box in boxes:
        left, top, right, bottom = edges(box)
        draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=255)
    inked = dark.histogram()[255]
    outside = Image.composite(Image.new("L", preview.size, 0), dark, covered).histogram()[255]
    if inked == 0:
        raise AssertionError("the preview has no ink at all")
    return outside / inked


def boxes_without_ink(preview: Image.Image, boxes: Sequence[Mapping[str, Any]]) -> list[str]:
    """The texts of boxes over blank paper (punctuation apart: its ink is a dot)."""
    dark = preview.convert("L").point(lambda value: 255 if value < INK else 0)
    return [box["text"] for box in boxes
            if box["text"] not in "，。：、,.:" and dark.crop(edges(box)).getbbox() is None]
