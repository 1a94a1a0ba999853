"""Which Chinese script each line of a page is in, and keeping each line in its own script.

One PP-OCR model reads both scripts character by character, and on brush-written pages
it mixes them: a Simplified page came back with ``请物業管理处尽快安排工程部人員上門检查``
(on the ingest bench's handwritten pages, 9 of 24, mostly at 200 dpi). Counting
characters does not tell the script well (more of them may come back Traditional); the
recogniser's own evidence does better. For every character that has one counterpart in
the other script, the log-odds of what it read against that counterpart are summed over
the page; the sign is the page's script. Each line is in the page's script unless its own
evidence for the other script is decisive; each character of the other script in a line
is replaced by its counterpart.

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

Only pairs that are one-to-one both ways count, and only they are ever replaced
(``cjk.one_to_one_forms``: 门 and 門, 联 and 聯). A character one script writes for
several of the other's (发 for 發 and 髮) could be either, and one both scripts write
(台, 干, 了, 系) belongs to neither: Taiwan and Hong Kong print 台 (陽台, 台端), and
replacing it by 臺 put on the page what it does not say.

The page's script is the sign of its lines' evidence together. Search folds both scripts
alike, so a query finds a line whichever script it was read in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from services.ingest.extraction.cjk import is_mostly_english, one_to_one_forms, script_only
from services.ingest.extraction.models import OcrLanguage
from services.ingest.extraction.ppocr.recognition import Reading

TRADITIONAL, NEUTRAL, SIMPLIFIED = 1, 0, -1
# Log-odds a character, on average over a line, against the counterparts (see above).
_DECISIVE_NATS = 7.0


@dataclass(frozen=True, slots=True)
class ScriptVariants:
    """For each of the recogniser's classes: ``sign`` +1 if it is the Traditional half of
    a one-to-one pair (``cjk.one_to_one_forms``), −1 if the Simplified half, 0 otherwise;
    ``counterparts`` the class of its other half."""

    sign: npt.NDArray[np.int8]
    counterparts: dict[int, int]


def script_variants(characters: Sequence[str]) -> ScriptVariants:
    """The one-to-one pairs among ``characters`` (the recogniser's dictionary; once per
    process)."""
    forms = one_to_one_forms()
    simplified_only, _ = script_only()
    index = {character: number for number, character in enumerate(characters) if character}
    sign = np.zeros(len(characters), dtype=np.int8)
    counterparts: dict[int, int] = {}
    for number, character in enumerate(characters):
        other = forms.get(character)
        if other is not None and other in index:
            sign[number] = SIMPLIFIED if character in simplified_only else TRADITIONAL
            counterparts[number] = index[other]
    return ScriptVariants(sign=sign, counterparts=counterparts)


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
    """Per character with a counterpart: how much more likely it is than that counterpart
    (in nats), positive for Traditional."""
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
    if not any(variants.sign[number] == -script for number in reading.classes):
        return reading
    classes = list(reading.classes)
    probabilities = list(reading.probabilities)
    for position, number in enumerate(reading.classes):
        other = reading.counterpart_probabilities[position]
        if variants.sign[number] == -script and other is not None:
            classes[position] = variants.counterparts[number]
            probabilities[position] = other
    return replace(reading, classes=tuple(classes),
                   characters=tuple(characters[number] for number in classes),
                   probabilities=tuple(probabilities))
