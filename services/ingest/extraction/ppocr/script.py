"""Which Chinese script each line of a page is in, and keeping each line in its own script.

One PP-OCR model reads both scripts character by character, and on brush-written pages
it mixes them: a Simplified page came back with ``请物業管理处尽快安排工程部人員上門检查``
(on the ingest bench's handwritten pages, 9 of 24, mostly at 200 dpi). Counting
characters does not tell the script well (more of them may come back Traditional); the
recogniser's own evidence does better. For every character whose usual form in the other
script differs (``cjk.other_script_forms``: 门 and 門, 发 and 發 or 髮, 于 and 於), the
log-odds of what it read against its likeliest other form are summed over the page; the
sign is the page's script. Each line is in the page's script unless its own evidence for
the other script is decisive; characters of the other script in a line are put in the
line's script where that is unambiguous (below).

Per line, not only per page: a page may print both scripts (a Traditional letterhead
over a Simplified form), and deciding once per page rewrote such a page's Simplified
lines (``紧急联系人`` stored as ``緊急聯系人``, in neither script). But the recogniser
reads whole lines of brush-written Simplified in Traditional, surely enough that a line
alone cannot be trusted: on 48 handwritten pages rendered as the bench renders them, 57
lines of 294 leant the wrong way, and deciding every line alone doubled the CER with the
script counted (2.8% → 6.1%). Those lines leant at most 6.7 nats a character; printed
lines (16 scanned pages at 200 and 300 dpi, and mixed-script forms) at least 7.6. So a
line leaves its page's script when its characters lean on average ``_DECISIVE_NATS`` or
more the other way.

The evidence is wide and the replacing narrow. A character is only ever replaced when
it exists in one script only and has one form in the other (``cjk.unambiguous_forms``:
門 → 门, 須 → 须, 個 → 个, 门 → 門): 须 on a Traditional line could be 須 or 鬚 and
stays, and one both scripts write (台, 干, 了, 系) stays whatever the line: Taiwan and
Hong Kong print 台 (陽台, 台端), and replacing it by 臺 put on the page what it does
not say. Yet the evidence keeps characters both scripts write, but the other seldom (于
for 於, 据 for 據; not 台, which Taiwan and Hong Kong write): on the 48 pages, counting
only one-to-one pairs left a Simplified page at 300 dpi without its 于 and 据 and voted
it Traditional (stored whole in Traditional, 28% CER with the script counted). Mean CER
with the script counted over the 48: 2.65% so, against 3.38% with one-to-one pairs only
and 2.80% when every character was put in its page's script by its likeliest form.

The page's script is the sign of its lines' evidence together. Search folds both scripts
alike, so a query finds a line whichever script it was read in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from services.ingest.extraction.cjk import is_mostly_english, other_script_forms, unambiguous_forms
from services.ingest.extraction.models import OcrLanguage
from services.ingest.extraction.ppocr.recognition import Reading

TRADITIONAL, NEUTRAL, SIMPLIFIED = 1, 0, -1
# Log-odds a character, on average over a line, against the counterparts (see above).
_DECISIVE_NATS = 7.0


@dataclass(frozen=True, slots=True)
class ScriptVariants:
    """For each of the recogniser's classes: ``sign`` +1 if it is a Traditional character
    whose usual Simplified form differs (``cjk.other_script_forms``), −1 if a Simplified
    one whose usual Traditional form differs, 0 otherwise or if none of its forms is in
    the dictionary; ``counterparts`` the classes of its forms in the other script; and
    ``replacements`` the class it is replaced by in a line of the other script, for the
    one-script characters with one form there (``cjk.unambiguous_forms``)."""

    sign: npt.NDArray[np.int8]
    counterparts: dict[int, tuple[int, ...]]
    replacements: dict[int, int]


def script_variants(characters: Sequence[str]) -> ScriptVariants:
    """The variants among ``characters`` (the recogniser's dictionary; once per process)."""
    (traditional_forms, simplified_forms), unambiguous = other_script_forms(), unambiguous_forms()
    index = {character: number for number, character in enumerate(characters) if character}
    sign = np.zeros(len(characters), dtype=np.int8)
    counterparts: dict[int, tuple[int, ...]] = {}
    replacements: dict[int, int] = {}
    for number, character in enumerate(characters):
        for script, forms in ((SIMPLIFIED, traditional_forms), (TRADITIONAL, simplified_forms)):
            others = tuple(index[other] for other in forms.get(character, ()) if other in index)
            if others:
                sign[number] = script
                counterparts[number] = others
        if unambiguous.get(character) in index:
            replacements[number] = index[unambiguous[character]]
    return ScriptVariants(sign=sign, counterparts=counterparts, replacements=replacements)


def in_line_scripts(readings: Sequence[Reading], variants: ScriptVariants,
                    characters: Sequence[str]) -> tuple[list[Reading], OcrLanguage]:
    """The readings with each line in its own script, and the page's script (``eng`` for
    a mostly English page, left as read)."""
    text = "\n".join("".join(reading.characters) for reading in readings)
    if is_mostly_english(text):
        return list(readings), "eng"
    evidence = [_evidence(reading, variants) for reading in readings]
    page = TRADITIONAL if sum(sum(line) for line in evidence) > 0 else SIMPLIFIED
    kept = [_in_script(reading, _line_script(line, page), variants, characters)
            for reading, line in zip(readings, evidence, strict=True)]
    return kept, "chi_tra" if page == TRADITIONAL else "chi_sim"


def _evidence(reading: Reading, variants: ScriptVariants) -> list[float]:
    """Per character with counterparts: how much more likely it is than the likeliest of
    them (in nats), positive for Traditional."""
    return [float(variants.sign[number] * (np.log(probability + 1e-9) - np.log(other + 1e-9)))
            for number, probability, other in zip(reading.classes, reading.probabilities,
                                                  reading.counterpart_probabilities, strict=True)
            if other is not None]


def _line_script(evidence: Sequence[float], page: int) -> int:
    if evidence and -page * sum(evidence) / len(evidence) >= _DECISIVE_NATS:
        return -page
    return page


def _in_script(reading: Reading, script: int, variants: ScriptVariants,
               characters: Sequence[str]) -> Reading:
    def replaced(number: int) -> bool:
        return variants.sign[number] == -script and number in variants.replacements

    if not any(replaced(number) for number in reading.classes):
        return reading
    classes = list(reading.classes)
    probabilities = list(reading.probabilities)
    for position, number in enumerate(reading.classes):
        other = reading.counterpart_probabilities[position]
        if replaced(number) and other is not None:
            classes[position] = variants.replacements[number]
            probabilities[position] = other
    return replace(reading, classes=tuple(classes),
                   characters=tuple(characters[number] for number in classes),
                   probabilities=tuple(probabilities))
