"""Which Chinese script a page is in, and keeping a Simplified page in Simplified.

One PP-OCR model reads both scripts, character by character, and now and then writes a
whole line of a Simplified page in Traditional characters (measured on brush-written
pages: ``联系电话`` read as ``聯系電話``, one line in six); a Traditional page never came
back in Simplified. So a page's script is the one most of its script-specific characters
belong to, and on a Simplified page every line is folded to Simplified (OpenCC ``t2s``,
kept only where it keeps the line's length, so each character keeps its box). A
Traditional page is left as read: Simplified → Traditional is ambiguous (发 is 發 or 髮).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Protocol

from services.ingest.extraction.cjk import is_mostly_english
from services.ingest.extraction.models import OcrLanguage


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@functools.cache
def _converter(config: str) -> _Converter:
    import opencc

    converter: _Converter = opencc.OpenCC(config)
    return converter


def page_script(lines: Iterable[str]) -> OcrLanguage:
    """``eng`` for a mostly English page, ``chi_tra`` when more of its characters are
    Traditional-only than Simplified-only, else ``chi_sim``."""
    text = "\n".join(lines)
    if is_mostly_english(text):
        return "eng"
    simplified = traditional = 0
    to_simplified, to_traditional = _converter("t2s"), _converter("s2t")
    for character in set(text):
        count = text.count(character)
        if to_simplified.convert(character) != character:
            traditional += count
        elif to_traditional.convert(character) != character:
            simplified += count
    return "chi_tra" if traditional > simplified else "chi_sim"


def in_simplified(characters: tuple[str, ...]) -> tuple[str, ...]:
    """A line's characters folded to Simplified; as they are where that would change how
    many there are."""
    folded = _converter("t2s").convert("".join(characters))
    if len(folded) != len(characters):
        return characters
    return tuple(folded)
