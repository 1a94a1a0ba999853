"""The keys a text is found by besides its tokens (``services.common.text``): what people
type otherwise than a page writes it.

A number written in groups (a phone number ``138 1234 5678``, ``0755-8888-1234`` or
``(0755)8888-1234``, an ID card number in blocks) is also found written without them, and
the other way round: ``number_spans`` gives every run of two or more digit groups, joined
by single spaces or hyphens, the first perhaps an area code in brackets, of at least
``MIN_NUMBER_DIGITS`` digits, as one key (``13812345678``). A number a scan wraps across
lines (``138 1234`` / ``5678``) is joined across the line break too, but only into a key of
at least ``MIN_WRAPPED_NUMBER_DIGITS`` digits: a line ending in a year and the next
starting with a room number or a figure (``截至2024`` / ``1201室``) are two numbers, and
joined they would be a false hit (``20241201`` is also 1 December 2024's key). A phone
cue just before the first group on its line (``联系电话：8765`` / ``4321``, ``傳真 876`` /
``5432``, ``Tel: …``) says it is a telephone number, so a local one of 7 or 8 digits is
joined across the break too. The
index adds those keys to the text, and a query term made of digit groups is also matched
as its joined digits (``digits_of``). A resident ID number's last group may end in its
check letter X (``440301 19800101 123X`` is ``44030119800101123x``). A day written as
people write it (``2023年12月8日``, ``2023-12-08``, ``2023/12/8``, ``2023.12.8``) is one
more such key, its ISO digits (``20231208``), so each way of writing it finds the others.

More keys (``key_spans``), for what people type otherwise than a page writes it: an
amount's whole part, with and without its thousands separators (``¥12,500.00`` is also
``12,500`` and ``12500``); a licence plate joined (``粤B·7K2Q9`` is also ``粤b7k2q9``); a flat
written in words as people say it (``3栋2单元1201室`` is also ``3-2-1201``, and
``5栋1单元0903室`` ``5-1-903`` too); a month written year first, and every day written
in it, as ``2019m05`` (``2019年5月``, ``2019-05``, ``2019/5/18``, ``二〇一九年五月``), and a
day in Chinese numerals as its ISO digits (``date_spans``); the last four digits of a
phone or ID number written without groups (``tail_spans``). A search word that is a
plate or a flat in words is matched as its key too (``typed_key``), and so is a day or a
month (``date_key``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import NamedTuple

from services.common.text import LINE_WRAP, TokenSpan

MIN_NUMBER_DIGITS = 7
"""A local telephone number's length: shorter digit groups (dates, amounts, unit numbers)
are not worth joining."""
MIN_WRAPPED_NUMBER_DIGITS = 10
"""A key that joins groups across a line break needs this many digits: a landline with its
area code (10–12), a mobile (11), an ID number (18). Shorter runs across a break are more
often two numbers, one ending a line and one starting the next (``2024`` / ``1201室``),
unless a phone cue stands just before the first group (``_PHONE_CUE``)."""
_PHONE_CUE = re.compile(
    r"(?:电话|致电|来电|拨打|热线|手机|联系|联络|座机|传真|\b(?:tel|phone|mobile|fax))"
    r"(?:号码|号|方式| ?no\.?)?[ \t:.,/]{0,3}\Z", re.ASCII)
"""A phone cue (folded: 電話 is 电话, 聯繫 联系, 傳真 传真, TEL tel) and at most a few blanks or
marks between it and a number's first group on the same line (``联系电话：8765``, ``Tel.
8765``): the number then is a telephone number, and a local one (7 or 8 digits, without
its area code) wrapped across a line (``8765`` / ``4321``) is joined too. Searched only in
the few characters before such a wrap, so it costs nothing on most pages."""
_PHONE_CUE_REACH = 12
"""How far before a number its cue may start: ``联系电话号码: `` is 9 characters."""
MAX_NUMBER_GROUPS = 5
"""``+86 138 1234 5678`` is four groups; a longer run is a table of figures, not a number."""
# \b before the look-behind: checked first, it is what makes the scan cheap (7 µs a letter).
# The first group may be an area code in brackets, (0755)8888-1234 or （0755） 2666 8888
# (folded to half width), as a landline is usually written. The last group may end in x,
# a resident ID number's check letter (folded to lower case).
# Between groups: one or two spaces, a hyphen, or a line break (perhaps after a hyphen).
_BETWEEN_GROUPS = rf"(?: {{1,2}}|-|-?{LINE_WRAP})"
_DIGIT_GROUPS = re.compile(
    rf"(?:\([0-9]+\)(?: {{0,2}}|{LINE_WRAP})|\b(?<![.,;'’])[0-9]+{_BETWEEN_GROUPS})"
    rf"[0-9]+(?:{_BETWEEN_GROUPS}[0-9]+)*x?(?![\w]|[.,;'’][0-9])", re.ASCII)
_GROUP = re.compile(r"[0-9]+x?", re.ASCII)
_NUMBER_KEY = re.compile(rf"[0-9]{{{MIN_NUMBER_DIGITS},}}|[0-9]{{17}}x", re.ASCII)
"""Joined groups worth a key: enough digits, or a resident ID number (17 digits and X)."""


# \b, not a look-behind for a digit: half the cost (5 µs a page of 350 letters).
_WRITTEN_DAY = re.compile(
    r"\b((?:19|20)[0-9]{2})(?:"
    r" ?年 ?([0-9]{1,2}) ?月 ?([0-9]{1,2}) ?[日号]"
    r"|([-/.])([0-9]{1,2})\4([0-9]{1,2})(?![0-9]|[.,][0-9]))", re.ASCII)
"""A day, year first: 2023年12月8日 (or 号), 2023-12-08, 2023/12/8, 2023.12.8 (folded)."""


def _day_key(match: re.Match[str]) -> str | None:
    year, month, day = match.group(1), match.group(2) or match.group(5), \
        match.group(3) or match.group(6)
    try:
        return date(int(year), int(month), int(day)).strftime("%Y%m%d")
    except ValueError:  # 2023-13-40 is no day
        return None


def day_key(folded: str) -> str | None:
    """The ISO digits (``20231208``) of a day that is all of ``folded``; else None."""
    match = _WRITTEN_DAY.fullmatch(folded.strip())
    return _day_key(match) if match else None


_WRITTEN_MONTH = re.compile(
    r"(?<![¥$.,])\b((?:19|20)[0-9]{2})(?: ?年 ?([0-9]{1,2}) ?月"
    r"|[-/.]([0-9]{1,2})(?![0-9]|[.,][0-9]| ?元))", re.ASCII)
"""A month, year first: 2019年5月, 2019-05, 2019/5, 2019.5 (folded), alone or the start of a
day (2019-05-18); not an amount (¥2019.05, 2019.05元)."""
_HAN_DIGITS = "〇零一二三四五六七八九"
_HAN_MONTH = "十[一二]?|[一二三四五六七八九]"
_HAN_DAY = "三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九]"
_HAN_DATE = re.compile(
    rf"(?<![{_HAN_DIGITS}])([{_HAN_DIGITS}]{{4}}) ?年 ?({_HAN_MONTH}) ?月"
    rf"(?: ?({_HAN_DAY}) ?[日号])?")
"""A date in Chinese numerals, as a formal letter dates itself: 二〇一九年五月,
二〇一九年五月十八日."""


_HAN_VALUES = {char: max(0, index - 1) for index, char in enumerate(_HAN_DIGITS)}
"""Each Chinese numeral's digit: 〇 and 零 are 0, 一 is 1, … 九 is 9."""


def chinese_number(text: str) -> int | None:
    """The value of a number from 1 to 99 written in Chinese numerals (五, 十, 十二, 二十,
    三十一: a day, a month, a building as people say it); None for anything else."""
    tens, ten, units = text.partition("十")
    if not ten:
        tens, units = "", text
    if len(tens) > 1 or len(units) > 1 or not (ten or units):
        return None
    digits = [_HAN_VALUES.get(char) for char in tens + units]
    if None in digits or 0 in digits:  # not a numeral, or 〇/零 where 十 stands for tens
        return None
    return (10 * (_HAN_VALUES[tens] if tens else 1) if ten else 0) + (
        _HAN_VALUES[units] if units else 0)


def _month_key(year: str | int, month: str | int) -> str | None:
    """A month's key: ``2019m05``, one token that no page writes and no person types."""
    return f"{int(year)}m{int(month):02d}" if 1 <= int(month) <= 12 else None


def _han_keys(match: re.Match[str]) -> Iterator[str]:
    """The month's key and, when it names one, the day's (``_HAN_DATE``)."""
    year = "".join(str(_HAN_VALUES[char]) for char in match.group(1))
    month = chinese_number(match.group(2))
    if month is None or not (key := _month_key(year, month)):
        return
    yield key
    if match.group(3) and (day := chinese_number(match.group(3))):
        with contextlib.suppress(ValueError):  # 二〇二三年二月三十日 is no day
            yield date(int(year), month, day).strftime("%Y%m%d")


def date_spans(folded: str) -> Iterator[TokenSpan]:
    """The months a text names (``_WRITTEN_MONTH``, ``_HAN_DATE``; a day names its month
    too), each as its key (``2019m05``), and the days written in Chinese numerals as their
    ISO digits (``20190518``), as ``number_spans`` gives the others: a search for a month
    however typed finds every page that writes it, or a day of it, in any of these ways."""
    if "19" in folded or "20" in folded:
        for match in _WRITTEN_MONTH.finditer(folded):
            if key := _month_key(match.group(1), match.group(2) or match.group(3)):
                yield TokenSpan(key, match.start(), match.end())
    if "年" in folded:
        for match in _HAN_DATE.finditer(folded):
            for key in _han_keys(match):
                yield TokenSpan(key, match.start(), match.end())


def date_key(folded: str) -> str | None:
    """The key of a search word that is all one day or one month, however written
    (``2019/5/18`` and ``二〇一九年五月十八日`` are ``20190518``; ``2019-05``, ``2019年5月``
    and ``二〇一九年五月`` are ``2019m05``, with 份 after it too: ``2019年5月份``); else None."""
    word = folded.strip()
    word = word.removesuffix("份") if word.endswith("月份") else word
    if key := day_key(word):
        return key
    if (han := _HAN_DATE.fullmatch(word)) is not None:
        keys = list(_han_keys(han))  # the month's, then the day's
        return keys[-1] if keys else None
    month = _WRITTEN_MONTH.fullmatch(word)
    return _month_key(month.group(1), month.group(2) or month.group(3)) if month else None


_MONTH = r"(?:1[0-2]|0?[1-9]) ?月"
_DAY_OF_MONTH = r"(?:3[01]|[12][0-9]|0?[1-9]) ?[日号]"
_DATE_IN_WORDS = re.compile(
    rf"\b(?:(?:19|20)[0-9]{{2}} ?年 ?{_MONTH}(?: ?{_DAY_OF_MONTH})?|{_MONTH} ?{_DAY_OF_MONTH})"
    rf"|{_HAN_DATE.pattern}", re.ASCII)
"""A date written with 年, 月 and 日 (or 号) naming at least two of its parts: a day
(2024年5月18日), a month (2019年3月), a day of a month (12月24日); in Chinese numerals
too (二〇一九年五月)."""


def dates_in_words(folded: str) -> list[tuple[int, int]]:
    """Where ``folded`` writes a date with 年/月/日 (``_DATE_IN_WORDS``), as ``[start, end)``:
    one thing to look for, though its tokens are its numbers and lone 年, 月 and 日."""
    return [match.span() for match in _DATE_IN_WORDS.finditer(folded)]


def _phone_cued(folded: str, at: int) -> bool:
    """Whether a phone cue (``_PHONE_CUE``) ends just before ``folded[at]``, on its line."""
    return _PHONE_CUE.search(folded, max(0, at - _PHONE_CUE_REACH), at) is not None


def number_spans(folded: str) -> Iterator[TokenSpan]:
    """The numbers written in groups in ``folded`` (module docstring): each run of
    neighbouring groups, its digits joined, and where it stands. Every run counts, so two
    numbers on one line (``138 1234 5678 139 8765 4321``) are each found. Each day written
    in it (``_WRITTEN_DAY``) is one too, as its ISO digits. A run across a line break
    counts only from ``MIN_WRAPPED_NUMBER_DIGITS`` digits, or from its first group when a
    phone cue stands just before that (``_PHONE_CUE``)."""
    if "19" in folded or "20" in folded:  # most pages name a year; a quick test otherwise
        for match in _WRITTEN_DAY.finditer(folded):
            if key := _day_key(match):
                yield TokenSpan(key, match.start(), match.end())
    for match in _DIGIT_GROUPS.finditer(folded):
        groups = list(_GROUP.finditer(match.group()))
        for first in range(len(groups)):
            for last in range(first + 1, min(first + MAX_NUMBER_GROUPS, len(groups))):
                run = groups[first : last + 1]
                digits = "".join(group.group() for group in run)
                start, end = match.start() + run[0].start(), match.start() + run[-1].end()
                if _NUMBER_KEY.fullmatch(digits) and (
                        len(digits) >= MIN_WRAPPED_NUMBER_DIGITS or "\n" not in folded[start:end]
                        or (first == 0 and _phone_cued(folded, match.start()))):
                    yield TokenSpan(digits, start, end)


_AMOUNT = re.compile(
    r"(?<![0-9.,])([0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?(?![0-9]|[.,][0-9])"
    r"|(?:[¥$€£]|rmb|hk\$) ?([0-9]+)\.[0-9]{1,2}(?![0-9]|[.,][0-9])"
    r"|(?<![0-9.,])([0-9]+)\.[0-9]{1,2} ?元", re.ASCII)
"""An amount: in thousands (``12,500``, ``1,234,567.89``: groups of exactly three after a
first of one to three, so ``1,2,3`` is a list), or with cents and a currency
(``¥12500.00``, ``12500.00元``)."""


def amount_spans(folded: str) -> Iterator[TokenSpan]:
    """The amounts in ``folded`` (``_AMOUNT``), each as its whole part with and without its
    thousands separators (``¥12,500.00`` is ``12,500`` and ``12500``): a clerk types an
    amount without its cents, and often without its commas."""
    if "," not in folded and "." not in folded:
        return
    for match in _AMOUNT.finditer(folded):
        index = next(group for group in (1, 2, 3) if match.group(group))
        whole, start = match.group(index), match.start(index)
        end = start + len(whole)
        if "," in whole:
            yield TokenSpan(whole, start, end)
        yield TokenSpan(whole.replace(",", ""), start, end)


_TYPED_AMOUNT = re.compile(
    r"(?P<currency>(?:[¥$€£]|rmb|hk\$|人民币) ?)?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.[0-9]{1,2})?(?P<yuan> ?元)?", re.ASCII)
"""An amount as a search word: a number with its currency, its 元, or its thousands
separators (``¥3,500.00``, ``3500元``, ``人民币3,500元``, ``3,500``; folded)."""


def amount_key(folded: str) -> str | None:
    """The whole yuan of a search word that is an amount (``_TYPED_AMOUNT``), without its
    cents and separators (``¥3,500.00``, ``3500.00元`` and ``3,500`` are ``3500``): what a
    page's amount is found by however it writes it (``amount_spans``), and a page writing
    ``3500元`` by its number. None for a bare number (``12.50`` is no amount) or any
    other word."""
    typed = _TYPED_AMOUNT.fullmatch(folded.strip())
    if typed is None or not (typed["currency"] or typed["yuan"] or "," in typed["whole"]):
        return None
    return typed["whole"].replace(",", "")


_WHOLE_NUMBER = re.compile(r"(?<![0-9.,])(?:1[3-9][0-9]{9}|0[0-9]{9,11}|[0-9]{17}[0-9x])"
                           r"(?![0-9]|[.,][0-9])", re.ASCII)
"""A phone or ID number written without groups (folded): a mobile (11 digits), a landline
with its area code (10-12), a resident ID number (18, perhaps ending in x)."""
TAIL_DIGITS = 4
"""How many of a number's last digits a clerk asks by (尾号, 后四位)."""


def tail_spans(folded: str) -> Iterator[TokenSpan]:
    """The last four digits of each phone or ID number written without groups
    (``_WHOLE_NUMBER``): a clerk asks for the caller whose number ends in 5678, and a
    number written in groups (138 1234 5678) has them as its last group already, so both
    are found alike."""
    for match in _WHOLE_NUMBER.finditer(folded):
        yield TokenSpan(match.group()[-TAIL_DIGITS:], match.end() - TAIL_DIGITS, match.end())


_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(rf"([{_PROVINCES}])([a-z])[·・• .-]?((?=[a-z]*[0-9])[a-z0-9]{{5,6}})"
                    r"(?![a-z0-9])", re.ASCII)
"""A licence plate (车牌), folded: a province's character, the city's letter, perhaps a dot
or a space, and five or six letters and digits, at least one a digit (粤B·7K2Q9, 粤BD8812)."""


def plate_spans(folded: str) -> Iterator[TokenSpan]:
    """The licence plates in ``folded`` (``_PLATE``), each joined (``粤b7k2q9``), as people
    type one: with its dot or without it, each finds the other."""
    for match in _PLATE.finditer(folded):
        yield TokenSpan("".join(match.groups()), match.start(), match.end())


_UNIT_IN_WORDS = re.compile(
    r"(?<![0-9a-z])([0-9]{1,3}|[a-z][0-9]{0,2}) ?(?:栋|座|幢|号楼) ?([0-9]{1,2}) ?单元"
    r" ?([0-9]{3,4})(?![0-9])(?: ?室)?", re.ASCII)
"""A flat in words (folded: 棟 is 栋, 單元 单元): building, entrance, room, the 室 optional
(3栋2单元1201室, 5座1单元0903)."""


def _unit_keys(building: str, entrance: str, room: str) -> tuple[str, ...]:
    written = f"{building}-{entrance}-{room}"
    # The room without its leading 0 (0903 is 903), as people say it; the entrance too.
    said = f"{building}-{int(entrance)}-{int(room)}"
    return (written, said) if said != written and int(room) >= 100 else (written,)


def unit_spans(folded: str) -> Iterator[TokenSpan]:
    """The flats written in words in ``folded`` (``_UNIT_IN_WORDS``), each as people say it,
    with hyphens: ``3栋2单元1201室`` is ``3-2-1201``; ``5栋1单元0903室`` is ``5-1-0903`` and
    ``5-1-903``."""
    if "单元" not in folded:
        return
    for match in _UNIT_IN_WORDS.finditer(folded):
        for key in _unit_keys(*match.groups()):
            yield TokenSpan(key, match.start(), match.end())


def key_spans(folded: str) -> Iterator[TokenSpan]:
    """Everything the index finds in ``folded`` by one more key than its tokens, and where
    it stands: numbers written in groups and days (``number_spans``), the last four digits of
    a number written without groups (``tail_spans``), months and days in
    Chinese numerals (``date_spans``), amounts
    (``amount_spans``), licence plates (``plate_spans``), flats in words (``unit_spans``)."""
    yield from number_spans(folded)
    yield from tail_spans(folded)
    yield from date_spans(folded)
    yield from amount_spans(folded)
    yield from plate_spans(folded)
    yield from unit_spans(folded)


def index_keys(folded: str) -> list[str]:
    """The keys of ``key_spans``, each once: what the index adds to a text, as a value of
    its own (the position gap between values keeps a phrase from reaching them)."""
    return list(dict.fromkeys(span.text for span in key_spans(folded)))


def typed_key(folded: str) -> str | None:
    """The key (``key_spans``) of a search word that is all one licence plate or one flat
    in words, when it is written otherwise (``粤b·7k2q9`` is ``粤b7k2q9``, ``5栋1单元0903``
    is ``5-1-903``); else None."""
    word = folded.strip()
    if plate := _PLATE.fullmatch(word):
        key = "".join(plate.groups())
        return key if key != word else None
    if flat := typed_flat(word):
        return flat.key if flat.key != word else None
    return None


_NUMERAL = "[一二三四五六七八九十]{1,3}"
_FLAT_TYPED = re.compile(
    rf"([0-9]{{1,3}}|[a-z][0-9]{{0,2}}|{_NUMERAL}) ?(?:栋|座|幢|号楼|#|-) ?"
    rf"([0-9]{{1,2}}|{_NUMERAL}) ?(?:单元|-) ?([0-9]{{3,4}})(?: ?(?:室|号房|房|号))?")
"""A flat with its entrance as staff type it (folded): 3栋2单元1502, 3-2-1502室, 3栋2-1502,
3#2-1502, 三栋二单元1502."""


class TypedFlat(NamedTuple):
    """A flat typed with its entrance: its ``key`` as the index keys a flat in words (as
    said, ``5-1-903``), and the ``unit_code`` of its household (``5-0903``), which has
    no entrance (D1: building, floor, unit)."""

    key: str
    unit_code: str


def typed_flat(folded: str) -> TypedFlat | None:
    """The flat a (folded) search word names with its entrance (``_FLAT_TYPED``); None
    for anything else."""
    found = _FLAT_TYPED.fullmatch(folded.strip())
    if found is None:
        return None
    building, entrance, room = (
        part if part.isascii() else str(chinese_number(part) or "") for part in found.groups())
    if not (building and entrance):
        return None
    return TypedFlat(key=_unit_keys(building, entrance, room)[-1],
                     unit_code=f"{building}-{room.zfill(4)}")


def joined_digits(tokens: Sequence[str]) -> str | None:
    """The digits of tokens that are all digit groups, joined, when long enough to be a
    number (``MIN_NUMBER_DIGITS``) or a resident ID number ending in x; else None."""
    digits = "".join(tokens)
    return digits if _NUMBER_KEY.fullmatch(digits) else None


def digits_of(tokens: Sequence[str]) -> str | None:
    """The joined digits of a query term written as two or more digit groups
    (``138-1234-5678``), long enough to be a number (module docstring); else None."""
    return joined_digits(tokens) if len(tokens) >= 2 else None
