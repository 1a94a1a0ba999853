"""Which Chinese script a page is in, and keeping each page in its own script.

One PP-OCR model reads both scripts character by character, and on brush-written pages
it mixes them: a Simplified page came back with ``请物業管理处尽快安排工程部人員上門检查``
(on the ingest bench's handwritten pages, 9 of 24, mostly at 200 dpi). Counting
characters does not tell such a page's script well (more of them may come back
Traditional); the recogniser's own evidence does better. For every character that exists
in one script only, the log-odds of what it read against its counterparts in the other
script (from OpenCC's tables: 门 for 門, and 發 or 髮 for 发) are summed over the page;
the sign is the page's script. Each character of the other script is then replaced by
the counterpart the recogniser found likeliest at that place. On those 24 pages (the
bench's corpus, seed 7) the evidence chose the right script for 21: on three Simplified
pages at 200 dpi the model read most script-specific characters as Traditional, and
confidently, so those pages come back whole in Traditional (CER with the script counted
about 30% there, folded 0–0.9%). Mean CER with the script counted over the 24: 4.1%,
against 5.1% when only pages with a few strays were rewritten. Search folds both
scripts alike, so a query finds such a page either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from services.ingest.extraction.cjk import is_mostly_english
from services.ingest.extraction.models import OcrLanguage
from services.ingest.extraction.ppocr.recognition import Reading

TRADITIONAL, NEUTRAL, SIMPLIFIED = 1, 0, -1


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@dataclass(frozen=True, slots=True)
class ScriptVariants:
    """For each of the recogniser's classes: ``sign`` +1 if it is a Traditional-only
    character, −1 if Simplified-only, 0 otherwise; ``counterparts`` its classes in the
    other script."""

    sign: npt.NDArray[np.int8]
    counterparts: dict[int, tuple[int, ...]]


def script_variants(characters: Sequence[str]) -> ScriptVariants:
    """The variants among ``characters`` (the recogniser's dictionary; ~0.2 s, once per
    process)."""
    import opencc

    to_simplified: _Converter = opencc.OpenCC("t2s")
    to_traditional: _Converter = opencc.OpenCC("s2t")
    index = {character: number for number, character in enumerate(characters) if character}
    sign = np.zeros(len(characters), dtype=np.int8)
    traditional_of: dict[int, list[int]] = {}
    for number, character in enumerate(characters):
        if len(character) != 1:
            continue
        simplified = to_simplified.convert(character)
        if simplified != character and simplified in index:
            sign[number] = TRADITIONAL
            traditional_of.setdefault(index[simplified], []).append(number)
    counterparts: dict[int, tuple[int, ...]] = {}
    for number, character in enumerate(characters):
        if sign[number] == TRADITIONAL:
            counterparts[number] = (index[to_simplified.convert(character)],)
        elif number in traditional_of and to_traditional.convert(character) != character:
            sign[number] = SIMPLIFIED
            counterparts[number] = tuple(traditional_of[number])
    return ScriptVariants(sign=sign, counterparts=counterparts)


def in_page_script(readings: Sequence[Reading], variants: ScriptVariants,
                   characters: Sequence[str]) -> tuple[list[Reading], OcrLanguage]:
    """The readings with every character in the page's script, and that script (``eng``
    for a mostly English page, left as read)."""
    text = "\n".join("".join(reading.characters) for reading in readings)
    if is_mostly_english(text):
        return list(readings), "eng"
    evidence = sum(_evidence(reading, variants) for reading in readings)
    script = TRADITIONAL if evidence > 0 else SIMPLIFIED
    kept = [_in_script(reading, script, variants, characters) for reading in readings]
    return kept, "chi_tra" if script == TRADITIONAL else "chi_sim"


def _evidence(reading: Reading, variants: ScriptVariants) -> float:
    total = 0.0
    for number, probability, others in zip(reading.classes, reading.probabilities,
                                           reading.counterpart_probabilities, strict=True):
        if others:
            total += variants.sign[number] * (np.log(probability + 1e-9)
                                              - np.log(max(others) + 1e-9))
    return total


def _in_script(reading: Reading, script: int, variants: ScriptVariants,
               characters: Sequence[str]) -> Reading:
    if not any(variants.sign[number] == -script for number in reading.classes):
        return reading
    classes = list(reading.classes)
    probabilities = list(reading.probabilities)
    for position, number in enumerate(reading.classes):
        others = reading.counterpart_probabilities[position]
        if variants.sign[number] == -script and others:
            best = int(np.argmax(others))
            classes[position] = variants.counterparts[number][best]
            probabilities[position] = others[best]
    return replace(reading, classes=tuple(classes),
                   characters=tuple(characters[number] for number in classes),
                   probabilities=tuple(probabilities))
