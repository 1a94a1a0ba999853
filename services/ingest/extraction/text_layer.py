"""Whether a PDF's text layer reads as language, or is the garbage a broken font map gives.

A PDF's text is only as good as each font's map from the codes it draws to characters (its
ToUnicode map, or a standard encoding). Chinese PDFs exported by old software often have a
wrong one or none, and the page then shows the right words while its text layer holds
something else: the codes themselves (control characters, or ASCII letters and punctuation
in the order the font's glyphs were numbered), GBK or Big5 bytes read as Latin-1 (物业 as
ÎïÒµ), or glyph numbers taken for code points (丁丂七丄丅). Indexed, such a page is found by
no word on it and shows a reader nonsense; read by OCR, it is found as it looks. Each test
below was measured on such layers and on this repository's own Chinese and English text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

# Replacement, private-use and control characters: codes a font map did not turn into text.
_MAX_UNREADABLE_SHARE = 0.1
# GBK or Big5 bytes read one by one as Latin-1 give a page of accented letters and signs
# (all of it, measured); a European language's accented letters are under a sixth of its own.
_LATIN_MOJIBAKE = range(0x80, 0x250)
_MAX_MOJIBAKE_SHARE = 0.3
# Glyph numbers read as code points land on CJK characters nobody writes (39-48 % of the Han
# characters measured outside the common sets below); Chinese prose has under 1 % there
# (0.13 % of this repository's 35 000 Han characters), names included.
_MIN_HAN_TO_JUDGE = 20
_MAX_UNCOMMON_HAN_SHARE = 0.2
# GB2312's first level (the 3 755 most used Simplified characters, rows B0-D7) and Big5's
# 常用字 (the 5 401 most used Traditional ones, A440-C67E).
_GB2312_COMMON_LEADS = range(0xB0, 0xD8)
_BIG5_COMMON = range(0xA440, 0xC67F)
# Characters whose code the font map could not turn into text (PDFium's own judgement).
_MAX_UNMAPPED_SHARE = 0.1
# A scanner's own OCR, drawn invisible over its scan, read Chinese print with a Latin model:
# letters strewn with signs (Ef'E%'z, 29 % of the characters measured, signs beside a digit or
# full-width CJK punctuation not counted). Dense English prose has at most 18 %, this
# repository's Markdown 16 %; a table of amounts and dates next to nothing (its signs stand
# beside digits). Only over a scan: there a layer refused costs an OCR of the page.
_MAX_STRAY_SIGN_SHARE_OVER_SCAN = 0.25
# Signs repeated to lead the eye or leave room: a contents page's dot leaders (64 % of its
# characters counted one by one), a form's blanks to fill in (姓名：________).
_LEADERS = frozenset("._-·…")


def reads_as_language(text: str, *, unmapped: int = 0, over_scan: bool = False) -> bool:
    """Whether ``text`` (a page's text layer, ``unmapped`` of whose characters had no map
    to Unicode) reads as words a person wrote rather than a broken font map's garbage;
    ``over_scan``: the layer lies over a scanned image (a scanner's "searchable PDF"),
    where a Latin OCR's reading of Chinese print does not either. An empty text does not."""
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    if unmapped > len(visible) * _MAX_UNMAPPED_SHARE:
        return False
    unreadable = sum(1 for ch in visible if _is_unreadable(ch))
    if unreadable > len(visible) * _MAX_UNREADABLE_SHARE:
        return False
    mojibake = sum(1 for ch in visible if ord(ch) in _LATIN_MOJIBAKE)
    if mojibake > len(visible) * _MAX_MOJIBAKE_SHARE:
        return False
    if over_scan and _stray_signs(visible) > len(visible) * _MAX_STRAY_SIGN_SHARE_OVER_SCAN:
        return False
    return not _mostly_uncommon_han([ch for ch in visible if _is_han(ch)])


def _stray_signs(visible: Sequence[str]) -> int:
    """Punctuation and symbols standing neither beside a digit (2024-01-05, ¥1,200.00)
    nor among the full-width forms Chinese is punctuated with; a run of leaders once."""
    count = 0
    for index, ch in enumerate(visible):
        if unicodedata.category(ch)[0] not in "PS" or _is_full_width(ch):
            continue
        neighbours = visible[max(index - 1, 0):index + 2]
        if any(neighbour.isdigit() for neighbour in neighbours):
            continue
        if index and visible[index - 1] == ch and ch in _LEADERS:
            continue  # a run of leaders counts once: a contents page's dots, a form's blanks
        count += 1
    return count


def _is_full_width(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _is_unreadable(ch: str) -> bool:
    return ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or not ch.isprintable()


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _mostly_uncommon_han(han: Sequence[str]) -> bool:
    if len(han) < _MIN_HAN_TO_JUDGE:
        return False
    uncommon = sum(1 for ch in han if not _is_common_han(ch))
    return uncommon > len(han) * _MAX_UNCOMMON_HAN_SHARE


def _is_common_han(ch: str) -> bool:
    try:
        if ch.encode("gb2312")[0] in _GB2312_COMMON_LEADS:
            return True
    except UnicodeEncodeError:
        pass
    try:
        return int.from_bytes(ch.encode("big5"), "big") in _BIG5_COMMON
    except UnicodeEncodeError:
        return False
