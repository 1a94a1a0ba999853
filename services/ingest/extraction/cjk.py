"""Script-level facts about recognised text: CJK spacing, and whether a page reads as English."""

from __future__ import annotations

import re

# Ideographs (with extensions and compatibility forms), radicals, kana, bopomofo and
# full-width letters and digits: characters written without spaces between them.
_CJK_LETTERS = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uff9f"
    "\U00020000-\U0003134f"
)
# CJK and full-width punctuation; each carries its own spacing, so a space beside one is noise.
_CJK_PUNCTUATION = (
    "\u3001-\u303f\u3200-\u33ff\ufe10-\ufe1f\ufe30-\ufe4f"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
)
# The Chinese models often read full-width punctuation as ASCII ("，" as ","); beside a
# CJK letter such a mark takes no space either.
_ASCII_PUNCTUATION = r",.:;!?"
_SPACES = "[ \t]+"
_SPACES_IN_CJK = re.compile(
    rf"(?<=[{_CJK_LETTERS}{_CJK_PUNCTUATION}]){_SPACES}(?=[{_CJK_LETTERS}{_CJK_PUNCTUATION}])"
    rf"|(?<=[{_CJK_PUNCTUATION}]){_SPACES}"
    rf"|{_SPACES}(?=[{_CJK_PUNCTUATION}])"
    rf"|(?<=[{_CJK_LETTERS}]){_SPACES}(?=[{_ASCII_PUNCTUATION}])"
    rf"|(?<=[{_ASCII_PUNCTUATION}]){_SPACES}(?=[{_CJK_LETTERS}])"
)
_CJK_LETTER = re.compile(f"[{_CJK_LETTERS}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# A page is English when it has some words and at most one CJK character per two of them:
# a Chinese model reading an English page adds a few stray ideographs from specks, while a
# Chinese page with English in it ("Room 1201") has far more ideographs than words.
_MIN_ENGLISH_WORDS = 5


def remove_cjk_spaces(text: str) -> str:
    """Drop the spaces Tesseract puts between CJK characters, keeping spaces in Latin text.

    Tesseract's Chinese models separate every recognised "word" with a space (tesseract
    issues #991, #2814): ``维 修 申 请`` becomes ``维修申请``, ``申请 ，`` becomes ``申请，``
    and ``嚴重 , 請`` becomes ``嚴重,請``, while ``Room 1201 房间`` is unchanged: between a
    letter or digit and a CJK character a space may be real. Newlines are never touched.
    """
    return _SPACES_IN_CJK.sub("", text)


def is_mostly_english(text: str) -> bool:
    """Whether recognised ``text`` is mainly English words rather than Chinese characters."""
    latin_words = len(_LATIN_WORD.findall(text))
    if latin_words < _MIN_ENGLISH_WORDS:
        return False
    return count_cjk_letters(text) * 2 <= latin_words


def count_cjk_letters(text: str) -> int:
    """How many CJK letters (ideographs, kana, full-width letters) ``text`` has."""
    return len(_CJK_LETTER.findall(text))
