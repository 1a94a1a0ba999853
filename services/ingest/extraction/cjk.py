"""Script-level facts about recognised text: CJK spacing, whether a page reads as English,
and whether its Chinese is written in Simplified or Traditional characters."""

from __future__ import annotations

import functools
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import marisa_trie
import opencc

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


@dataclass(frozen=True, slots=True)
class ScriptEvidence:
    """How many characters of a text exist in only one of the two scripts."""

    simplified: int
    """Characters that Simplified text uses and Traditional text never does (``说``, ``门``)."""
    traditional: int
    """Characters that Traditional text uses and Simplified text never does (``說``, ``門``)."""


def script_evidence(text: str) -> ScriptEvidence:
    """Count the characters of ``text`` that belong to one script only (``script_only``).

    Most Chinese characters (``大``, ``工``, ``一``) are written alike in both scripts and
    count for neither; so do those that are one script's form of a character and a word of
    their own in the other (``后`` for ``後``, and the queen ``后``).
    """
    simplified, traditional = script_only()
    return ScriptEvidence(simplified=sum(char in simplified for char in text),
                          traditional=sum(char in traditional for char in text))


@functools.cache
def script_only() -> tuple[frozenset[str], frozenset[str]]:
    """The characters only Simplified text uses, and those only Traditional text uses, from
    OpenCC's tables (the ones its ``s2t``, ``t2s``, ``s2tw`` and ``s2hk`` conversions use).

    ``STCharacters`` maps each Simplified character that has Traditional forms to those
    forms; a character is Simplified-only when it has such an entry and is not itself a
    Traditional form of anything (``发`` → ``發 髮`` is; ``后`` → ``後 后`` and ``干`` →
    ``幹 乾 干 榦`` are not), nor the form Taiwan or Hong Kong writes (``户``, ``温``:
    ``HKVariants``). ``TSCharacters`` gives the Traditional-only ones the same way
    (``於`` → ``于 於`` is not one). A character that would land in both sets is in neither.
    """
    to_traditional, to_simplified = _opencc_table("STCharacters"), _opencc_table("TSCharacters")
    traditional_forms = _forms(to_traditional, _opencc_table("TWVariants"),
                               _opencc_table("HKVariants"))
    simplified_forms = _forms(to_simplified)
    simplified = {char for char in to_traditional
                  if len(char) == 1 and char not in traditional_forms}
    traditional = {char for char in to_simplified
                   if len(char) == 1 and char not in simplified_forms}
    both = simplified & traditional
    return frozenset(simplified - both), frozenset(traditional - both)


@functools.cache
def other_script_forms() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The Simplified characters OpenCC converts to another form by default, each with its
    Traditional forms (``发`` → ``發 髮``, ``于`` → ``於``, ``据`` → ``據``), and the
    Traditional ones likewise with their Simplified forms (``發`` → ``发``), from
    ``STCharacters`` and ``TSCharacters`` (whose first form is the default).

    Wider than ``script_only``: it keeps characters both scripts write whose usual form in
    the other script differs (``于``, ``据``, ``后``), for how likely the recogniser found
    that form is still a sign of the script a page is in. Left out are those the other
    script usually writes alike (``面``, ``系``, ``只``), those Taiwan or Hong Kong write
    (``台`` for ``臺``, ``户``: ``TWVariants``, ``HKVariants``), and a character that is a
    key of both tables.
    """
    to_traditional, to_simplified = _opencc_table("STCharacters"), _opencc_table("TSCharacters")
    regional = _forms(_opencc_table("TWVariants"), _opencc_table("HKVariants"))

    def others(table: dict[str, tuple[str, ...]],
               beside: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {char: tuple(form for form in forms if form != char)
                for char, forms in table.items()
                if len(char) == 1 and char not in beside and char not in regional
                and forms[0] != char}

    return others(to_traditional, to_simplified), others(to_simplified, to_traditional)


@functools.cache
def unambiguous_forms() -> dict[str, str]:
    """Each one-script character (``script_only``) that has one form only in the other
    script, mapped to it: ``门`` → ``門`` and ``門`` → ``门``, ``發`` → ``发``, ``須`` →
    ``须``, ``後`` → ``后``.

    Not ``发`` (``發`` or ``髮``), ``须`` (``須``, ``鬚``) or ``个`` (``個``, ``箇``),
    whose form depends on the word, and never a character both scripts write (``台``,
    ``干``, ``了``, ``系``), which is not one script's form of the other's.
    """
    to_traditional, to_simplified = _opencc_table("STCharacters"), _opencc_table("TSCharacters")
    simplified_only, traditional_only = script_only()
    return {char: forms[0]
            for table, own in ((to_traditional, simplified_only), (to_simplified, traditional_only))
            for char in own if len(forms := table[char]) == 1}


def _forms(*tables: dict[str, tuple[str, ...]]) -> set[str]:
    return {form for table in tables for forms in table.values() for form in forms}


_OCD2_HEADER = b"OPENCC_MARISA_0.2.5"


def _opencc_table(name: str) -> dict[str, tuple[str, ...]]:
    """An OpenCC dictionary (``<name>.ocd2``, as its package ships it): key → its forms.

    Raises ``RuntimeError`` if the installed OpenCC has no such file in that format.
    """
    path = Path(opencc.__file__).parent / "clib" / "share" / "opencc" / f"{name}.ocd2"
    data = path.read_bytes() if path.is_file() else b""
    if not data.startswith(_OCD2_HEADER):
        raise RuntimeError(f"OpenCC's {name} table is not at {path} in the .ocd2 format; "
                           "reinstall the archive's Python packages ('make setup')")
    # .ocd2: the header, a marisa trie of the keys, then the values by key id: their count
    # (u32), the byte length (u32) of the NUL-terminated values, the values, and per key
    # its number of values (u16) and each value's byte length (u16), unused here.
    trie = marisa_trie.Trie().frombytes(data[len(_OCD2_HEADER):])
    start = len(_OCD2_HEADER) + len(trie.tobytes())
    count, size = struct.unpack_from("<II", data, start)
    values = data[start + 8 : start + 8 + size].split(b"\0")[:-1]
    lengths = struct.iter_unpack("<H", data[start + 8 + size :])
    forms: list[tuple[str, ...]] = []
    position = 0
    for _ in range(count):
        (number,) = next(lengths)
        forms.append(tuple(value.decode() for value in values[position : position + number]))
        position += number
        for _ in range(number):
            next(lengths)
    return {trie.restore_key(key_id): forms[key_id] for key_id in range(count)}
