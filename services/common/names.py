"""A category (D5), a security level (D9) or a day as a person types it. A category or
a level: its code (``repair``,
``confidential``), its Chinese name (维修/报修记录, 机密), or, for a category, the start or
the end of its name that no other has (维修, 投诉, 合同; not 记录 nor 资料, which several
share); Traditional, full-width and capitals alike. A day: ISO (2024-05-18), or year
first with slashes as Excel writes it in a Chinese locale (2024/5/18). One reading for the
manifest and the command line's options."""

from __future__ import annotations

import re

from services.common.models import (
    CATEGORY_NAMES,
    SECURITY_LEVEL_NAMES,
    Category,
    SecurityLevel,
)
from services.common.text import fold


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


EXCEL_DAY = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
"""Year first: no ambiguity between month and day."""


def iso_day(text: str) -> str:
    """``text``, or the ISO form of a day Excel wrote as 2024/5/18."""
    excel = EXCEL_DAY.fullmatch(text.strip())
    if excel is None:
        return text
    year, month, day = excel.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"
