"""A category (D5), a security level (D9), a department, a building, a unit code (D1) or a
day as a person types it. A category or a level: its code (``repair``, ``confidential``),
its Chinese name (维修/报修记录, 机密), or, for a category, the start or the end of its name
that no other has (维修, 投诉, 合同; not 记录 nor 资料, which several share); Traditional,
full-width and capitals alike. A department: its code, or a usual one's name (客服部). A
building: a, Ａ, A栋 are A; B1座 is B1. A unit code: any case and width, with any dash or a
space for its hyphen, or none after a building of letters (a0301, Ａ－0301, A 0301 are
A-0301). A day: ISO (2024-05-18), or year first with slashes as Excel writes it in a
Chinese locale (2024/5/18). One reading for the manifest, the command line's options and
the pages."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from services.common.models import (
    BUILDING_RE,
    CATEGORY_NAMES,
    DEPARTMENT_NAMES,
    DEPARTMENT_RE,
    HOUSEHOLD_RE,
    SECURITY_LEVEL_NAMES,
    Category,
    SecurityLevel,
)
from services.common.text import digits_of, fold, folded_tokens


def category_named(text: str) -> Category:
    """The category ``text`` names; ``ValueError`` saying how to write one otherwise."""
    typed = fold(text.strip())
    named = [code for code, name in CATEGORY_NAMES.items() if typed in (code, fold(name))] \
        or [code for code, name in CATEGORY_NAMES.items()
            if len(typed) >= 2 and (fold(name).startswith(typed) or fold(name).endswith(typed))]
    if len(named) != 1:
        raise ValueError(f"category {text!r} is none of the categories; write its code or "
                         "its name, e.g. repair or 维修/报修记录")
    return named[0]


def security_level_named(text: str) -> SecurityLevel:
    typed = fold(text.strip())
    for level, name in SECURITY_LEVEL_NAMES.items():
        if typed in (level, fold(name)):
            return level
    raise ValueError(f"security {text!r} is none of ordinary (普通), confidential (机密), "
                     "secret (绝密)")


_UNIT_HYPHEN = re.compile(r"\s*[-\u2010-\u2015\u2212\u30fc]\s*|\s+")
"""Any dash (hyphen, en and em dash, minus, the long vowel mark an IME gives for ー) or
blanks between building and number."""
_UNHYPHENATED_UNIT = re.compile(r"([A-Z]+)([0-9]{3,4})")
"""Without a hyphen: a building of letters and a floor and unit of up to four digits
(A0301, A301). Five are ambiguous: B10101 is B1-0101 (a basement) or B-10101."""
_BUILDING_WORD = re.compile(r"(?:栋|座|幢|号楼|楼)$")
"""What follows a building's letter when staff write it in Chinese (A栋, B座)."""


def building_named(text: str) -> str:
    """The building ``text`` names as unit codes spell it: any case and width, A栋 or B座
    too (``A``); ``ValueError`` saying how to write one otherwise."""
    building = _BUILDING_WORD.sub("", fold(text).strip()).strip().upper()
    if not BUILDING_RE.match(building):
        raise ValueError(f"{text!r} is not a building like A or B1 (as in A-1201, B1-0101)")
    return building


def household_named(text: str) -> str:
    """The unit code ``text`` names (module docstring); ``ValueError`` saying how to write
    one otherwise."""
    typed = unicodedata.normalize("NFKC", text).strip().upper()
    code = _UNIT_HYPHEN.sub("-", typed, count=1)
    if unhyphenated := _UNHYPHENATED_UNIT.fullmatch(code):
        code = f"{unhyphenated[1]}-{unhyphenated[2]}"
    if not HOUSEHOLD_RE.match(code):
        raise ValueError(f"{text!r} is not a unit code like A-1201 (building, hyphen, floor "
                         "and unit)")
    return code


def spelled_otherwise(folded: str) -> str | None:
    """Another way a (folded) search word is written, which finds it too: a number written
    in groups (``138-1234-5678``) as its digits, a unit code typed without its hyphen
    (``a0301``) as the code (``a-0301``); None for most words."""
    if digits := digits_of(tuple(folded_tokens(folded))):
        return digits
    if _UNHYPHENATED_UNIT.fullmatch(folded.upper()):
        try:
            return fold(household_named(folded))
        except ValueError:
            return None
    return None


def department_named(text: str) -> str:
    """A department's code, or the code of a usual department typed by its Chinese name
    (客服部 is customer_service); ``ValueError`` saying how to write one otherwise."""
    typed = fold(text.strip())
    for code, name in DEPARTMENT_NAMES.items():
        if typed == fold(name):
            return code
    if not DEPARTMENT_RE.match(typed):
        usual = ", ".join(f"{code} ({name})" for code, name in DEPARTMENT_NAMES.items())
        raise ValueError(f"{text!r} is not a department: write its code (lower-case letters, "
                         f"digits and _) or a usual one's name; the usual ones: {usual}")
    return typed


PASTED_NUMBER = re.compile(r"1[3-9][0-9]{9}|0[0-9]{9,11}|[0-9]{17}[0-9x]", re.ASCII)
"""A number people paste in groups: a mainland mobile number (11 digits), a landline number
with its area code (10-12), a resident ID number (17 digits and a check digit or x; folded)."""


def numbers_rejoined(words: Sequence[str]) -> list[str]:
    """``words`` (folded) with each run of two to five words that together make a phone or
    ID number (``138 1234 5678``, ``0755 8888 1234``, ``440301 19800101 123x``) as one word,
    its groups apart: a number pasted with its spaces is one thing looked for, not several
    words found anywhere."""
    rejoined: list[str] = []
    at = 0
    while at < len(words):
        for size in (5, 4, 3, 2):
            run = words[at : at + size]
            if len(run) == size and PASTED_NUMBER.fullmatch("".join(run)):
                rejoined.append(" ".join(run))
                at += size
                break
        else:
            rejoined.append(words[at])
            at += 1
    return rejoined


def _named_or_as_typed(read: Callable[[str], str], text: str) -> str:
    try:
        return read(text)
    except ValueError:
        return text.strip()


def tidied_department(text: str) -> str:
    """``department_named(text)``, or ``text`` trimmed when it names none, for the form or
    the service to refuse in its words."""
    return _named_or_as_typed(department_named, text)


def tidied_building(text: str) -> str:
    """``building_named(text)``, or ``text`` trimmed when it names none: how a paper
    location's building (A栋, a, 档案楼) compares with the building asked for."""
    return _named_or_as_typed(building_named, text)


def tidied_household(text: str) -> str:
    """``household_named(text)``, or ``text`` trimmed when it names no unit code: the
    service refuses that as every ill-formed code (``invalid_household``), in its words."""
    return _named_or_as_typed(household_named, text)


EXCEL_DAY = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
"""Year first: no ambiguity between month and day."""


def iso_day(text: str) -> str:
    """``text``, or the ISO form of a day Excel wrote as 2024/5/18."""
    excel = EXCEL_DAY.fullmatch(text.strip())
    if excel is None:
        return text
    year, month, day = excel.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"
